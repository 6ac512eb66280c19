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
# # The programme's figures
#
# Where the people in the programme are, how many were hired month by month against the target
# (160 of 400 within 15 months), why applications were rejected, and what keeps people from
# more vacancies.
#
# **Data.** The fixtures: 400 synthetic candidates and their *simulated* history of proposals
# and outcomes (`fixtures/history.json`, see `fixtures/README.md`), as of its reference date.
# The figures are computed by `matcher.programme.programme_figures` (the same as `GET /stats`)
# and drawn by `matcher.plots`; this notebook only calls them.

# %%
# %matplotlib inline
from matcher import Engine, barrier_stats
from matcher.fixtures import load_candidates, load_vacancies
from matcher.history import load_history
from matcher.plots import barriers_plot, funnel_plot, hires_plot, rejections_plot
from matcher.programme import programme_figures

# %%
history = load_history()
candidates = load_candidates()
figures = programme_figures(
    candidates,
    history.applications,
    history.stage_changes,
    target_placed=160,
    target_people=400,
    today=history.reference_date,
)
print(history.about)
figures.placements.model_dump()

# %% [markdown]
# ## Funnel by stage

# %%
funnel_plot(figures)

# %% [markdown]
# ## Hires per month, against the target

# %%
hires_plot(figures, start=history.programme_start, months=15)

# %%
figures.time_to_first_hire.model_dump()

# %% [markdown]
# ## Activity per jobhunter

# %%
{name: activity.model_dump() for name, activity in figures.per_jobhunter.items()}

# %% [markdown]
# ## Rejection reasons

# %%
rejections_plot(figures)

# %% [markdown]
# ## Barriers
# For everyone `ready`: which single change (more Dutch, a bike, a car, childcare hours, a
# longer commute) would unblock vacancies for them, and for how many people it is the change
# that unblocks the most (`matcher.barriers.barrier_stats`).

# %%
ready = [c for c in candidates if c.stage == "ready"]
stats = barrier_stats(Engine().fit(load_vacancies()), ready)
barriers_plot(stats)
