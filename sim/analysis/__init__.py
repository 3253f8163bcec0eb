"""Analysis: the deterministic ceiling, statistics with honest intervals, theory formulas."""
