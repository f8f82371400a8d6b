"""The compiled engines: small plain MLPs trained by numba loops over float64 arrays.

:mod:`.engine` trains one run (:class:`~.engine.CompiledRun`, the single-run loop of :mod:`.loops`)
or many models at once (:func:`~.engine.train_lanes`, the lanes kernel of :mod:`.lanes`); :mod:`.kernels`
is the one table of kernel ids, keyed by the registries' names. Which runs they take is decided in
:func:`relulab.training.engines.choose_engine` alone. Results equal the torch engines to 1e-12 (tested).

This package imports no numba: the kernels load (and, the first time on a machine, compile) only when
a compiled run starts, so ``import relulab`` stays fast.
"""
