"""Field types every request model of the service shares."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

Priority = Literal["urgent", "high", "normal", "low"]
# Ids and codes: no control characters (NUL cannot be stored, in JSONB least of all).
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=PRINTABLE)]
PlaceId = Ident
SafeText = Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Scalar = SafeText | int | float | bool
