"""Build tool for online public service outreach: province guide sites, print and images from one content set."""

__version__ = "0.1.0"
