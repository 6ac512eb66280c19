"""The vocabulary and reading phrases in any language as concepts."""
