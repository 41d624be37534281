"""规划项目一张图: town plan items as GeoJSON, with the logic behind the Streamlit app.

Everything the app and the CLI do lives in this package as plain functions;
``pages/`` and ``app.py`` only lay it out.
"""
__version__ = "0.1.0"
