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
>>> s.check(RunConfig(hidden=(8,) * 10), points=500, epochs_per_frame=1)  # the page loads 10x8 links
>>> try:
...     s.check(RunConfig(hidden=(8,) * 10), points=5000, epochs_per_frame=50)
... except ValueError as e:
...     print(str(e)[:95])
cost: points x parameters x epochs per frame may be at most 20,000,000 on this server, got 5000
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from ..config import RunConfig
from ..data import DATASETS
from ..i18n import Refusal

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
ANY_ADDRESS = ("0.0.0.0", "::", "")
MAX_SEED = 2**62  # torch seeds are 64-bit; the trainer derives further seeds from this one


PAGE_DIMS = (1, 2)  # the page draws points on a line or in the plane


def page_datasets() -> list[str]:
    """The data sets the page can draw (1-D and 2-D); the 64-pixel digits train in the CLI only."""
    return [n for n, s in DATASETS.items() if s.input_dim in PAGE_DIMS]


def parameter_count(cfg: RunConfig, outputs: int = 1) -> int:
    """Weights and biases of ``cfg``'s network: inputs (features) -> hidden -> ``outputs``."""
    widths = [len(cfg.feature_names()), *cfg.hidden, outputs]
    return sum((a + 1) * b for a, b in zip(widths, widths[1:], strict=False))


class ServerSettings(BaseModel):
    """Address, limits and frame sizes of ``relulab playground``. Frozen; unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)  # 0: any free port (tests)
    allow_hosts: tuple[str, ...] = ()  # Host names a browser may use besides loopback and --host
    openapi: bool = False  # serve /openapi.json (off: nothing to learn about the API from outside)
    # limits on what a page may ask for; every one is checked in :meth:`check`, before anything is built
    max_layers: int = Field(16, ge=0, le=64)  # hidden layers (TF Playground's buttons stop at 6, its links do not)
    max_neurons: int = Field(32, ge=1, le=1024)  # units per hidden layer (the buttons stop at 8)
    max_points: int = Field(5000, ge=4)  # data points per session, generated, uploaded or clicked
    max_features: int = Field(16, ge=1)  # input features (each at most once)
    max_cost: int = Field(20_000_000, ge=1)  # points x parameters x epochs per frame
    max_sessions: int = Field(16, ge=1)  # open tabs at once
    idle_timeout_s: float = Field(1800.0, gt=0)  # a session with no message for this long is closed
    connection_idle_s: float = Field(20.0, gt=0)  # an HTTP connection with no request, a WebSocket with no pong
    max_upload_bytes: int = Field(1_000_000, ge=1024)  # CSV uploads and run imports
    lesson_files: tuple[str, ...] = ()  # teachers' own lessons (YAML), beside the built-in ones
    upload_deadline_s: float = Field(30.0, gt=0)  # a request body must arrive whole within this (else 408, closed)
    max_message_bytes: int = Field(65_536, ge=1024)  # one WebSocket message from the page
    max_messages_per_s: float = Field(50.0, gt=0)  # per session, sustained (bursts of twice that pass)
    max_epochs_per_frame: int = Field(50, ge=1)  # the page's speed control goes up to this
    frame_budget_s: float = Field(0.012, gt=0)  # training time per frame; epochs per frame adapt down to fit
    workers: int = Field(4, ge=1, le=64)  # threads that train and draw (sessions queue for them)
    max_region_units: int = Field(512, ge=0)  # exact regions only for nets with at most this many hidden units
    # frames
    heatmap_resolution: int = Field(100, ge=8, le=400)  # output heatmap: res x res bytes
    thumbnail_stride: int = Field(2, ge=1, le=16)  # neuron thumbnails: every stride-th heatmap pixel
    curve_resolution: int = Field(200, ge=16, le=2000)  # 1-D mode: points of the fitted curve
    max_fps: float = Field(60.0, gt=0, le=240)
    analysis_interval_s: float = Field(0.25, ge=0)  # regions / diagnostics at most this often while playing (and
    # at most a quarter of the time: a panel that took 0.1 s waits at least 0.4 s)
    thumbnail_interval_s: float = Field(0.1, ge=0)  # thumbnails and loss curve at most this often while playing
    max_overlay_regions: int = Field(20_000, ge=1)  # polygons sent to the page (the count is always exact)

    @property
    def address(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def allowed_hosts(self) -> frozenset[str]:
        """``Host`` names (without port) a request may carry: loopback, ``--host`` when a browser would
        send it (not 0.0.0.0), and ``--allow-host`` names. Anything else is a DNS-rebinding attempt."""
        names = {*LOOPBACK_NAMES, *(h.lower().strip("[]") for h in self.allow_hosts)}
        if self.host not in ANY_ADDRESS:
            names.add(self.host.lower().strip("[]"))
        return frozenset(names)

    def check(self, cfg: RunConfig, *, points: int, epochs_per_frame: int, outputs: int = 1) -> None:
        """Every limit on one session's experiment; ``ValueError`` with a one-line message."""
        dim = DATASETS.get(cfg.dataset).input_dim
        if dim not in PAGE_DIMS:
            raise Refusal("dataset: the playground draws 1-D and 2-D data, {name} has {dim}-D points; train it with "
                          "`relulab train --dataset {dataset}` (page data sets: {allowed})", name=repr(cfg.dataset),
                          dim=dim, dataset=cfg.dataset, allowed=", ".join(page_datasets()))
        if len(cfg.hidden) > self.max_layers:
            raise Refusal("hidden: at most {n} hidden layers on this server, got {got}", n=self.max_layers,
                          got=len(cfg.hidden))
        if any(w > self.max_neurons for w in cfg.hidden):
            raise Refusal("hidden: at most {n} neurons per layer on this server, got {got}", n=self.max_neurons,
                          got=list(cfg.hidden))
        if not 0 <= cfg.weight_seed <= MAX_SEED:
            raise Refusal("weight_seed: allowed 0..{top}, got {got}", top=MAX_SEED, got=cfg.weight_seed)
        feats = cfg.feature_names()
        if len(set(feats)) != len(feats):
            twice = sorted(f for f, n in Counter(feats).items() if n > 1)
            raise Refusal("features: each feature at most once, got {names} more than once", names=", ".join(twice))
        if len(feats) > self.max_features:
            raise Refusal("features: at most {n} on this server, got {got}", n=self.max_features, got=len(feats))
        if points > self.max_points:
            raise Refusal("n_points: at most {n} points on this server, got {got}", n=self.max_points, got=points)
        if epochs_per_frame > self.max_epochs_per_frame:
            raise Refusal("speed: at most {n} epochs per frame, got {got}", n=self.max_epochs_per_frame,
                          got=epochs_per_frame)
        params = parameter_count(cfg, outputs)
        cost = points * params * epochs_per_frame
        if cost > self.max_cost:
            raise Refusal("cost: points x parameters x epochs per frame may be at most {max} on this server, got "
                          "{got}; use fewer points, a smaller network or a lower speed", max=f"{self.max_cost:,}",
                          got=f"{points} x {params} x {epochs_per_frame} = {cost:,}")

    def limits(self) -> dict[str, int]:
        """What the page needs to know to build its controls."""
        return {"max_layers": self.max_layers, "max_neurons": self.max_neurons, "max_points": self.max_points,
                "max_upload_bytes": self.max_upload_bytes, "max_epochs_per_frame": self.max_epochs_per_frame,
                "max_cost": self.max_cost, "max_features": self.max_features}
