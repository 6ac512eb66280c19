"""Ranked, explained matches between people looking for work and vacancies in the Antwerp region."""

from matcher.engine import Engine, Match, Scores, Shortlist
from matcher.features.base import FeatureScores
from matcher.models import Candidate, Location, Shift, TimeWindow, Vacancy
from matcher.planning.barriers import BarrierReport, BarrierStats, analyse_barriers, barrier_stats
from matcher.planning.planner import Plan, Proposal, plan_proposals, top_k_proposals
from matcher.reasons import Reason
from matcher.weights import FEATURES, Weights, default_weights

__all__ = [
    "FEATURES",
    "BarrierReport",
    "BarrierStats",
    "Candidate",
    "Engine",
    "FeatureScores",
    "Location",
    "Match",
    "Plan",
    "Proposal",
    "Reason",
    "Scores",
    "Shift",
    "Shortlist",
    "TimeWindow",
    "Vacancy",
    "Weights",
    "analyse_barriers",
    "barrier_stats",
    "default_weights",
    "plan_proposals",
    "top_k_proposals",
]
