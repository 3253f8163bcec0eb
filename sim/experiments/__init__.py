"""Experiments: plans of scenario points, the one runner, back ends and the results directory."""
