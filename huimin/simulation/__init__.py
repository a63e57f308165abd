"""Policy simulation: what a reform would cost and whom it would reach, from the same rules."""
