"""What each measure of the correlation report can and cannot say: the report's caveats section,
kept apart from the code so the prose can be edited without touching a computation."""

from __future__ import annotations

CAVEATS = {
    "causation": "Every number here describes co-occurrence in the training data. None of them "
    "says that one column causes another, in either direction; a third variable, the way the data "
    "were collected, or chance can produce any of them.",
    "pearson": "Pearson's r measures how well a straight line fits two numeric columns (-1 to 1). "
    "It misses curved or non-monotonic relations (r can be 0 when y = x**2) and a few extreme "
    "values can make or break it.",
    "spearman": "Spearman's rho is Pearson's r on ranks: it catches any monotonic relation and "
    "resists outliers, but still misses relations that go up and then down.",
    "eta": "The correlation ratio eta (0 to 1) is the share of a numeric column's spread "
    "explained by the groups of a categorical one (eta squared is the R squared of group means). "
    "It has no direction, and with many small groups it is inflated by chance.",
    "cramers_v": "Cramér's V (0 to 1) measures how far two categorical columns are from "
    "independent. The plain V is biased upward for small samples and many levels; the "
    "bias-corrected V (Bergsma 2013) reported as strength removes most of that. V has no "
    "direction and does not say which levels go together.",
    "mutual_info": "Mutual information (in nats) measures any kind of dependence, on binned "
    "numeric columns, so it is a scale shared by every pair type. The plug-in estimate "
    "(mutual_info) is biased upward: two independent columns of 600 rows in 10 bins each show "
    "about 0.07 nats by chance, 0.36 on the correlation scale. mutual_info_expected is that "
    "chance level for the pair's own table (exact under independence with its margins fixed), "
    "and mutual_info_r = sqrt(1 - exp(-2 (MI - expected))) subtracts it: 0 means no more "
    "dependence than chance, and for normal data the scale equals |r|. adjusted_mutual_info is "
    "scikit-learn's normalised form. The heatmap greys the pairs whose information is not "
    "significant after FDR control; with alpha = 0.05, about 1 table in 20 of wholly independent "
    "columns still shows one pair. Binning loses detail.",
    "p_values": "A p-value is the chance of an association at least this strong if the columns "
    "were independent. With tens of thousands of rows even negligible associations get tiny "
    "p-values: read the strength, not the p-value, to judge importance.",
    "q_values": "Testing many pairs makes some look significant by chance. Benjamini-Hochberg "
    "q-values control the expected share of false discoveries among the pairs called significant.",
    "partial": "A partial correlation removes the straight-line effect of the configured "
    "confounders from both columns. It only removes what the confounders explain linearly, only "
    "for the confounders you name, and controlling for a consequence of both columns (a "
    "collider) can create an association that was not there.",
    "proxies": "A feature strongly associated with a sensitive attribute lets a model reconstruct "
    "that attribute, so dropping the attribute does not make the model blind to it. A flag is a "
    "reason to audit the model's outcomes by group, not proof of unfair use.",
    "leakage": "A feature almost identical to the target usually records the outcome itself "
    "(or something known only after it). A model will look excellent in evaluation and fail in "
    "use, where that feature does not exist yet.",
    "redundant_features": "Two features that nearly determine each other carry the same "
    "information twice; a model's importances are split between them, and dropping one loses "
    "nothing.",
    "missing_values": "Each pair uses the rows where both columns are present (pairwise "
    "complete), so different pairs can rest on different rows; missing is not a category.",
    "high_cardinality": "A categorical column with more than correlation.max_levels levels keeps "
    "its most frequent levels and merges the rest into '(other)'; the count merged is in columns.",
}
