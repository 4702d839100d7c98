"""What badgegen costs, measured: `benchmarks/run NAME` runs benchmarks/NAME.py as a module."""
