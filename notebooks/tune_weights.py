# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tuning the feature weights on outcomes
#
# Which of a person's proposals led to an interview? This notebook learns, from the programme's
# recorded applications, how much each feature (skills, language, commute, childcare) should
# weigh, checks on people it did not learn from whether the tuned weights rank better than the
# weights in use, and only then sends them to the service as its next version of the weights.
#
# **Data.** The service's database: the one `matcher serve` uses (`MATCHER_DATABASE_URL`, else
# the SQLite file in the repository's `var/`). A fresh database holds the fixtures' *simulated*
# history until the programme records its own. Set `FIXTURES = True` in the cell after the
# imports to read the fixture files instead; the weights then go to a file
# (`$MATCHER_TUNED_WEIGHTS`, default `var/weights.json`), not to the service.
#
# The logic lives in `matcher` (`matcher.outcomes`: `records`, `frames`, `tuning`, `plots`);
# this notebook only calls it and shows the results.

# %%
# %matplotlib inline
from matcher.outcomes.plots import comparison_plot, weights_plot
from matcher.outcomes.records import load_records
from matcher.outcomes.tuning import training_data, tune

# %% tags=["parameters"]
FIXTURES = False

# %% [markdown]
# ## Outcomes
# One row per application: the feature scores the shortlist showed when it was proposed
# (its snapshot), and what happened.

# %%
records = load_records(fixtures=FIXTURES)
frame = records.application_frame()
print(records.about)
frame.groupby("status").size().sort_values(ascending=False)

# %% [markdown]
# Applications still waiting for an answer (proposed, applied) are left out. The target is
# graded: 1 for an interview, 2 for a hire; the tuner learns from "got an interview".

# %%
X, y, groups = training_data(frame)
print(
    f"{len(X)} decided applications for {len(set(groups))} candidates; "
    f"{(y > 0).mean():.0%} reached an interview"
)

# %% [markdown]
# ## Tuned against current, on held-out candidates
# Five folds grouped by candidate: the weights are learned on four fifths of the people and
# judged on the others, so nobody's applications are on both sides. Each held-out person's
# applications are ranked by the current weights and by the tuned ones. New weights are only
# worth sending when they win clearly: a mean gain in NDCG@10 of at least 0.01 with its 95%
# lower bound above zero. With a thin history (a few months, a hundred or two proposals) there
# is too little to tell, and the current weights stay.

# %%
current = records.weights
tuning = tune(frame, current=current, n_splits=5, k=10)
print(tuning.message)

# %%
tuning.comparison.summary().round(3) if tuning.comparison else None

# %%
comparison_plot(tuning.comparison) if tuning.comparison else None

# %% [markdown]
# ## The weights
# Learned on everyone, next to the weights in use (and, for the fixtures' simulated history,
# the true model that made it).

# %%
shown = {"current": current, "tuned": tuning.tuned, "true (simulation)": records.true_weights}
weights_plot({name: w for name, w in shown.items() if w}) if tuning.tuned else None

# %% [markdown]
# ## Send them as the next version, or keep the current ones
# Sent to the service's database, its next shortlists use them at once (`GET /weights` shows
# who sent them and why). Nothing is sent unless the comparison above says they are better.

# %%
if tuning.better:
    sent = records.send_weights(tuning.tuned, note=tuning.note)
    print(f"Sent as version {sent.version} to {records.source}.")
else:
    print(f"Nothing sent: the shortlists keep version {current.version}.")
