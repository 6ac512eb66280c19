"""Ranked, explained matches between people looking for work and vacancies in the Antwerp region."""

from matcher.engine import Engine, Match, Scores, Shortlist
from matcher.features.base import FeatureScores, Reason
from matcher.models import Candidate, Location, Shift, TimeWindow, Vacancy
from matcher.weights import FEATURES, Weights, default_weights

__all__ = [
    "FEATURES",
    "Candidate",
    "Engine",
    "FeatureScores",
    "Location",
    "Match",
    "Reason",
    "Scores",
    "Shift",
    "Shortlist",
    "TimeWindow",
    "Vacancy",
    "Weights",
    "default_weights",
]
