"""Fund planning: the response model, the optimiser, plans and scenarios."""
