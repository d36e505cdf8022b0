"""The membership attack's result in plain words, for the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.privacy.losses import KINDS

if TYPE_CHECKING:
    from pipeline.privacy.membership_result import Estimate, Membership

CHANCE = 0.5
SMALL, CLEAR = 0.55, 0.6  # attack AUCs that read as a small, a modest and a clear leak


def _size(auc: float) -> str:
    """How much an AUC above chance gives away, in words."""
    if auc < SMALL:
        return "the model leaks, but little (the attacker does barely better than a coin flip)"
    if auc < CLEAR:
        return "the model leaks modestly: its fit gives some of its training rows away"
    return "the model leaks clearly: its fit gives its training rows away"


def _reading(auc: Estimate) -> str:
    """What the attack AUC means, taking its interval into account."""
    if auc.low is not None and auc.high is not None:
        if auc.low <= CHANCE <= auc.high:
            return (
                "the interval contains 0.5: at this sample size the attack does not tell "
                "members from non-members better than a coin flip"
            )
        if auc.low > CHANCE:
            return f"the whole interval lies above 0.5, so {_size(auc.value)}"
        return "the whole interval lies below 0.5: the model fits unseen rows better (unusual)"
    if auc.value > CHANCE:
        return "above 0.5 (no interval was computed: set privacy.n_boot to see its uncertainty)"
    return "at or below 0.5 (no interval was computed)"


def summary(result: Membership) -> list[str]:
    """Sentences: what was attacked, what the AUC and advantage mean, what drives them."""
    auc, adv = result.auc, result.advantage
    lines = [
        f"A membership-inference attacker who sees only the model's loss on a person's row "
        f"({KINDS[result.score_kind]}) and guesses 'was in the training data' when it is low, "
        f"on {result.rows_per_side} training rows and as many rows the model never saw.",
        f"Attack AUC {auc.text()} ({result.ci_level:.0%} interval): given one person from the "
        "training data and one from outside, the attacker picks the insider "
        f"{auc.value:.1%} of the time; 0.5 is a coin flip, meaning the model reveals nothing "
        "this attack can see (stronger attacks may see more). An AUC of 0.6 means the insider "
        "is picked 6 times in 10: for a person known to be in the training data, the model "
        f"leaves a trace. Here {_reading(auc)}.",
        f"Membership advantage {adv.text()}: at its best loss threshold the attacker flags "
        f"{adv.value:.1%} more of the training rows than of the unseen rows (0 reveals nothing, "
        "1 reveals every member); with no leak at all, chance alone exceeds "
        f"{result.advantage_chance:.3f} one time in 20 with this many rows.",
        f"What drives it: the mean loss is {result.member_loss:.4g} on training rows and "
        f"{result.nonmember_loss:.4g} on unseen rows (gap {result.loss_gap.text(4)}).",
    ]
    if result.accuracy_gap is not None and result.member_accuracy is not None:
        lines.append(
            f"Accuracy is {result.member_accuracy:.1%} on training rows and "
            f"{result.nonmember_accuracy:.1%} on unseen rows (gap {result.accuracy_gap.text()}): "
            "the more the model fits its training rows better, the more it reveals them."
        )
    if result.score_kind == "zero_one":
        lines.append(
            "The model gives no probabilities, so the attacker sees only whether it is right; "
            "a model with probabilities would give a finer, usually stronger, attack."
        )
    for attribute, rows in sorted(result.groups.items()):
        exposed = [g for g in rows if g.auc is not None and g.auc.low is not None
                   and g.auc.low > CHANCE]  # fmt: skip
        small = [g.group for g in rows if g.auc is None]
        if exposed:
            worst = max(exposed, key=lambda g: g.auc.value if g.auc else 0.0)
            assert worst.auc is not None
            most = f"; most for {worst.group}" if len(exposed) > 1 else ""
            lines.append(
                f"By {attribute}: the attack works above chance (interval above 0.5) for "
                f"{', '.join(g.group for g in exposed)}{most} (AUC {worst.auc.text()})."
            )
        if small:
            lines.append(
                f"By {attribute}: {', '.join(small)} had fewer than {result.min_group_size} rows "
                "on a side, too few for numbers of their own."
            )
    return lines
