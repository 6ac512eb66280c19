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
# Which of a person's proposals led to an interview? This notebook learns, from recorded
# applications, how much each feature (skills, language, commute, childcare) should weigh, checks
# on people it did not learn from that the tuned weights rank better than the current ones, and
# writes them as the next version of the weights.
#
# **Data.** The outcomes here are the fixtures' *simulated* history (`fixtures/history.json`,
# see `fixtures/README.md`): made from a hidden "true" model, so we can see whether tuning finds
# it. Loading outcomes from the service's database is not wired in yet: until it is, export them
# as a list of applications in the same shape and pass them to `application_frame`.
#
# The logic lives in `matcher` (`matcher.frames`, `matcher.tuning`, `matcher.plots`); this
# notebook only calls it and shows the results.

# %%
# %matplotlib inline
from matcher.frames import application_frame
from matcher.history import load_history
from matcher.plots import comparison_plot, weights_plot
from matcher.tuning import WeightTuner, compare_weights, save_tuned_weights, training_data
from matcher.weights import current_weights

# %% [markdown]
# ## Outcomes
# One row per application: the feature scores the shortlist showed when it was proposed
# (its snapshot), and what happened.

# %%
history = load_history()
frame = application_frame(history.applications)
print(history.about)
frame.groupby("status").size().sort_values(ascending=False)

# %%
frame.head()

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
# ## Default against tuned, on held-out candidates
# Five folds grouped by candidate: the weights are learned on four fifths of the people and
# judged on the others, so nobody's applications are on both sides. Each held-out person's
# applications are ranked by the default weights and by the tuned ones.

# %%
current = current_weights()
comparison = compare_weights(frame, baseline=current, n_splits=5, k=10)
comparison.summary().round(3)

# %%
comparison.folds.round(3)

# %%
comparison_plot(comparison)

# %% [markdown]
# ## The weights
# Learned on everyone, next to the weights in use and, since this history is simulated, the
# true model that made it.

# %%
tuner = WeightTuner().fit(X, y, groups=groups)
tuned = tuner.to_weights(current.version + 1)
truth = history.true_model["weights"]
weights_plot({"current": current, "tuned": tuned, "true (simulation)": truth})

# %%
comparison.weights.round(3)

# %% [markdown]
# ## Write them as the next version
# To `$MATCHER_TUNED_WEIGHTS` (default `var/weights.json`). Use them with
# `matcher shortlist c-0002 --weights var/weights.json`, `MATCHER_WEIGHTS=var/weights.json`,
# or `PUT /weights` on the service.

# %%
gain = comparison.ndcg_gain
saved, path = save_tuned_weights(
    tuner,
    current=current,
    note=(
        f"Tuned on {len(X)} decided applications (simulated fixture history): "
        f"NDCG@10 on held-out candidates {gain:+.3f} against version {current.version}."
    ),
)
print(f"wrote version {saved.version} to {path}")
saved.model_dump()
