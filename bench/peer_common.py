"""What every PyTorch peer of bench/ shares: OpenBLAS pinned to the thread count, and the
median wall time of a step after a warm-up (the same rule as the TypeScript side's medians).

Each peer puts bench/ on sys.path and imports from here."""
import ctypes
import ctypes.util
import time


def pin_openblas(n):
    """Debian's torch does its GEMMs in OpenBLAS, whose pool ignores torch.set_num_threads."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_set_num_threads(n)
            return True
        except (OSError, AttributeError):
            pass
    return False


def median_seconds(step, reps, warmup=3):
    """Median of `reps` timed calls of `step()` after `warmup` untimed ones."""
    for _ in range(warmup):
        step()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    n = len(ts)
    return ts[n // 2] if n % 2 else 0.5 * (ts[n // 2 - 1] + ts[n // 2])
