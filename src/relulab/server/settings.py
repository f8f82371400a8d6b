"""``ServerSettings``: the playground server's address and limits, enforced on the server.

Every limit that protects the server (layers, neurons, points, sessions, upload and message sizes)
lives here, not in the page: the page only shows what the server sends it.

>>> s = ServerSettings(port=8123)
>>> s.address
'http://127.0.0.1:8123/'
>>> from pydantic import ValidationError
>>> try:
...     ServerSettings(port=70000)
... except ValidationError as e:
...     print(e.errors()[0]["loc"], e.errors()[0]["msg"])
('port',) Input should be less than or equal to 65535
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ServerSettings(BaseModel):
    """Address, limits and frame sizes of ``relulab playground``. Frozen; unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)  # 0: any free port (tests)
    # limits on what a page may ask for
    max_layers: int = Field(6, ge=0, le=64)  # hidden layers (the playground's maximum is 6)
    max_neurons: int = Field(8, ge=1, le=1024)  # units per hidden layer (the playground's is 8)
    max_points: int = Field(5000, ge=4)  # data points per session, generated, uploaded or clicked
    max_sessions: int = Field(16, ge=1)  # open tabs at once
    idle_timeout_s: float = Field(1800.0, gt=0)  # a session with no message for this long is closed
    max_upload_bytes: int = Field(1_000_000, ge=1024)  # CSV uploads and run imports
    max_message_bytes: int = Field(65_536, ge=1024)  # one WebSocket message from the page
    max_epochs_per_frame: int = Field(50, ge=1)  # the page's speed control goes up to this
    # frames
    heatmap_resolution: int = Field(100, ge=8, le=400)  # output heatmap: res x res bytes
    thumbnail_stride: int = Field(2, ge=1, le=16)  # neuron thumbnails: every stride-th heatmap pixel
    curve_resolution: int = Field(200, ge=16, le=2000)  # 1-D mode: points of the fitted curve
    max_fps: float = Field(30.0, gt=0, le=240)
    analysis_interval_s: float = Field(0.25, ge=0)  # regions / diagnostics at most this often while playing
    max_overlay_regions: int = Field(5000, ge=1)  # polygons sent to the page (the count is always exact)

    @property
    def address(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def limits(self) -> dict[str, int]:
        """What the page needs to know to build its controls."""
        return {"max_layers": self.max_layers, "max_neurons": self.max_neurons, "max_points": self.max_points,
                "max_upload_bytes": self.max_upload_bytes, "max_epochs_per_frame": self.max_epochs_per_frame}
