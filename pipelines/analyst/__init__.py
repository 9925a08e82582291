"""HR's own access to the published files: SQL shell, exports, ready queries, public benchmarks."""
