"""The relapse-risk model: features, the model, the rule baseline, explanations, metrics, training, saved models."""
