"""Exact linear regions of piecewise-linear networks (claims C3, C14).

``regions(model, box)`` cuts the input box (a 2-D window, a 1-D interval, or a plane through three
input points) into the convex pieces on which the network is affine, layer by layer. Modules, by
concept: :mod:`.network` (reading a model), :mod:`.polygons` (batched convex polygons), :mod:`.planar`
/ :mod:`.interval` (the enumeration; in 2-D compiled: :mod:`.cut`, :mod:`.kernels`, :mod:`.small`),
:mod:`.result` / :mod:`.result1d` (what you get), :mod:`.complex` (vertices, edges, faces; maximal
linear pieces), :mod:`.boundary` and :mod:`.classes` (decision boundary, class polygons and their
sides), :mod:`.bounds` (Zaslavsky, Montúfar, Serra), :mod:`.runs` (trained runs and input features),
:mod:`.local` (local complexity: regions near the data), :mod:`.tracking` (region count and local
complexity during training), :mod:`.show` (HTML for a notebook).
"""

from .api import regions as regions
from .bounds import Bounds as Bounds
from .bounds import architecture_bounds as architecture_bounds
from .bounds import montufar_lower as montufar_lower
from .bounds import serra_upper as serra_upper
from .bounds import zaslavsky as zaslavsky
from .complex import Complex as Complex
from .complex import LinearPieces as LinearPieces
from .domain import Plane as Plane
from .local import DEFAULT_FRACTION as DEFAULT_FRACTION
from .local import LocalComplexity as LocalComplexity
from .local import default_radius as default_radius
from .local import local_complexity as local_complexity
from .network import allowed_activations as allowed_activations
from .result import ClassRegion as ClassRegion
from .result import Region as Region
from .result import Regions as Regions
from .result1d import Piece as Piece
from .result1d import Regions1D as Regions1D
from .runs import RunRegions as RunRegions
from .runs import regions_of as regions_of
from .runs import regions_of_run as regions_of_run
from .tracking import RegionCounter as RegionCounter
