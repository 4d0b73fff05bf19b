"""The status colours, once, for the web app and the emails alike.

The stylesheet's badges (``templates/web/static/sendwatch.css``) use these as their swatches and
borders, the web charts fill with them, and the digest's bars are drawn in them, so an editor
reading the email and a reporter on the dashboard see one status in one colour (a test holds
the stylesheet to this table). Colours are always paired with the status's words.
"""

from __future__ import annotations

STATUS_FILL: dict[str, str] = {
    "none": "#8c959f",
    "deficit_only": "#bf8700",
    "dbv": "#0969da",
    "sv_negotiating": "#6639ba",
    "sv_agreed": "#1a7f37",
    "sv_on_track": "#2da44e",
    "sv_off_track": "#d1570d",
    "ems": "#cf222e",
    "payment_withheld": "#82071e",
    "sv_completed": "#0e7c86",
}
UNKNOWN_FILL = "#57606a"
