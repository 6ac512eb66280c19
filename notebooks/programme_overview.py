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
# **Data.** The service's database: the one `matcher serve` uses (`MATCHER_DATABASE_URL`, else
# the SQLite file in the repository's `var/`); a fresh one holds the fixtures and their
# *simulated* history. Set `FIXTURES = True` in the cell after the imports to read the fixture
# files instead. The figures are those of `GET /stats` (the same function computes them) and
# are drawn by `matcher.outcomes.plots`; this notebook only calls them.

# %%
# %matplotlib inline
from matcher import barrier_stats
from matcher.outcomes.plots import barriers_plot, funnel_plot, hires_plot, rejections_plot
from matcher.outcomes.records import load_records

# %% tags=["parameters"]
FIXTURES = False

# %%
records = load_records(fixtures=FIXTURES)
figures = records.figures
print(records.about)
figures.placements.model_dump()

# %% [markdown]
# ## Funnel by stage

# %%
funnel_plot(figures)

# %% [markdown]
# ## Hires per month, against the target

# %%
hires_plot(figures, start=records.programme_start, months=15)

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
# that unblocks the most (`matcher.planning.barriers.barrier_stats`, with the weights in use).

# %%
ready = [c for c in records.candidates if c.stage == "ready"]
stats = barrier_stats(records.engine(), ready)
barriers_plot(stats)
