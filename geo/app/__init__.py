"""The dashboard's helpers: what it shows (view), the folium map (webmap), offline scripts and tiles (assets)."""
