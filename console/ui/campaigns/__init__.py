"""The campaign dashboard (专项行动) and its editor."""
