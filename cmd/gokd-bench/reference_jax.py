#!/usr/bin/env python3
"""JAX reference for `make bench`: the GoKD U-Nets rebuilt in JAX (XLA's CPU compiler, as GoKD's xla:cpu) and timed
the same way as reference.py times PyTorch, with the same JSON-lines protocol (see reference.py):

  {"op": "setup", "arch": {...}, "task": "train"|"infer", "batch": 8, "size": 128}  ->  {"ok": true}
  {"op": "run", "reps": 3}  ->  {"ms": [...], "peak_bytes": N}

The network is written as a JAX user would: NHWC, jax.lax convolutions (a separable block is a grouped depthwise
convolution and a 1x1 one), group normalisation, 2x2 max-pool, nearest up-sampling, jax.jit of the whole step; the
training step is softmax cross-entropy and Adam (lr 1e-3), written out (no optax). Interpreter: the project's
.venv-bench (`make setup-bench`: jax and jaxlib 0.10.2 from PyPI).
"""
import gc
import json
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np


def rss_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak():
    """Resets VmHWM to the current RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def largest_divisor_up_to(n, limit):
    for d in range(min(n, limit), 1, -1):
        if n % d == 0:
            return d
    return 1


def conv(x, w, groups=1):
    return jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"),
                                        feature_group_count=groups)


def group_norm(x, groups, scale, offset, eps=1e-5):
    b, h, w, c = x.shape
    g = x.reshape(b, h, w, groups, c // groups)
    mean = g.mean(axis=(1, 2, 4), keepdims=True)
    var = g.var(axis=(1, 2, 4), keepdims=True)
    g = (g - mean) / jnp.sqrt(var + eps)
    return g.reshape(b, h, w, c) * scale + offset


def init_block(key, arch, cin, width):
    """Twice (conv 3x3 -> normalisation -> ReLU), as nets.Config.block."""
    layers = []
    for _ in range(2):
        key, k1, k2 = jax.random.split(key, 3)
        layer = {}
        if arch["Conv"] == "separable":
            layer["depthwise"] = jax.random.normal(k1, (3, 3, 1, cin)) * (2 / 9) ** 0.5
            layer["pointwise"] = jax.random.normal(k2, (1, 1, cin, width)) * (2 / cin) ** 0.5
        else:
            layer["kernel"] = jax.random.normal(k1, (3, 3, cin, width)) * (2 / (9 * cin)) ** 0.5
        if arch["Norm"] in ("group", "instance"):
            layer["scale"], layer["offset"] = jnp.ones(width), jnp.zeros(width)
        else:
            layer["bias"] = jnp.zeros(width)
        layers.append(layer)
        cin = width
    return key, layers


def apply_block(arch, layers, x):
    for layer in layers:
        if "depthwise" in layer:
            x = conv(conv(x, layer["depthwise"], groups=x.shape[-1]), layer["pointwise"])
        else:
            x = conv(x, layer["kernel"])
        width = x.shape[-1]
        if arch["Norm"] == "group":
            x = group_norm(x, largest_divisor_up_to(width, arch["Groups"]), layer["scale"], layer["offset"])
        elif arch["Norm"] == "instance":
            x = group_norm(x, width, layer["scale"], layer["offset"])
        else:
            x = x + layer["bias"]
        x = jax.nn.relu(x)
    return x


def init_unet(arch, seed=0):
    widths, levels, stem = arch["Widths"], arch["Levels"], arch.get("Stem", 1)
    key = jax.random.PRNGKey(seed)
    params = {"encoders": [], "decoders": []}
    cin = arch["InputChannels"] * stem ** 2
    for level in range(levels - 1):
        key, block = init_block(key, arch, cin, widths[level])
        params["encoders"].append(block)
        cin = widths[level]
    key, params["bottleneck"] = init_block(key, arch, cin, widths[levels - 1])
    for level in range(levels - 2, -1, -1):
        key, block = init_block(key, arch, widths[level + 1] + widths[level], widths[level])
        params["decoders"].append(block)
    key, k = jax.random.split(key)
    params["head"] = jax.random.normal(k, (1, 1, widths[0], arch["Classes"] * stem ** 2)) * 0.1
    params["head_bias"] = jnp.zeros(arch["Classes"] * stem ** 2)
    return params


def space_to_depth(x, f):
    b, h, w, c = x.shape
    return x.reshape(b, h // f, f, w // f, f, c).transpose(0, 1, 3, 2, 4, 5).reshape(b, h // f, w // f, f * f * c)


def depth_to_space(x, f):
    b, h, w, c = x.shape
    return x.reshape(b, h, w, f, f, c // (f * f)).transpose(0, 1, 3, 2, 4, 5).reshape(b, h * f, w * f, c // (f * f))


def apply_unet(arch, params, x):
    """The U-Net of nets.Config.Apply, NHWC."""
    stem = arch.get("Stem", 1)
    if stem > 1:
        x = space_to_depth(x, stem)
    skips = []
    for block in params["encoders"]:
        x = apply_block(arch, block, x)
        skips.append(x)
        x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    x = apply_block(arch, params["bottleneck"], x)
    for block in params["decoders"]:
        up = jnp.repeat(jnp.repeat(x, 2, axis=1), 2, axis=2)
        x = apply_block(arch, block, jnp.concatenate([up, skips.pop()], axis=-1))
    x = conv(x, params["head"]) + params["head_bias"]
    if stem > 1:
        x = depth_to_space(x, stem)
    return x


def adam_step(params, moments, step, grads, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m, v = moments
    m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
    step = step + 1
    c1, c2 = 1 - b1 ** step, 1 - b2 ** step
    params = jax.tree_util.tree_map(lambda p, m, v: p - lr * (m / c1) / (jnp.sqrt(v / c2) + eps), params, m, v)
    return params, (m, v), step


class Session:
    def __init__(self):
        self.step = None
        self.base_kib = 0

    def setup(self, request):
        self.step = None
        gc.collect()
        self.base_kib = rss_kib("VmRSS")
        reset_peak()
        arch, batch, size = request["arch"], request["batch"], request["size"]
        params = init_unet(arch)
        rng = np.random.default_rng(0)
        images = jnp.asarray(rng.standard_normal((batch, size, size, arch["InputChannels"]), dtype=np.float32))
        if request["task"] == "train":
            labels = jnp.asarray(rng.integers(0, arch["Classes"], (batch, size, size)), dtype=jnp.int32)

            def loss_fn(p):
                logits = apply_unet(arch, p, images)
                logp = jax.nn.log_softmax(logits, axis=-1)
                return -jnp.take_along_axis(logp, labels[..., None], axis=-1).mean()

            @jax.jit
            def train_step(p, moments, step):
                loss, grads = jax.value_and_grad(loss_fn)(p)
                p, moments, step = adam_step(p, moments, step, grads)
                return p, moments, step, loss

            zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
            state = {"params": params, "moments": (zeros, zeros), "step": jnp.zeros((), jnp.float32)}

            def step():
                state["params"], state["moments"], state["step"], loss = train_step(
                    state["params"], state["moments"], state["step"])
                return float(loss)
        else:
            infer = jax.jit(lambda p, x: apply_unet(arch, p, x).sum())

            def step():
                return float(infer(params, images))
        step()  # Warm-up: compiles, as the Go side's first call.
        self.step = step
        return {"ok": True}

    def run(self, request):
        times = []
        for _ in range(request["reps"]):
            start = time.perf_counter()
            self.step()
            times.append(1000 * (time.perf_counter() - start))
        return {"ms": times, "peak_bytes": (rss_kib("VmHWM") - self.base_kib) * 1024}


def main():
    session = Session()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            if request["op"] == "setup":
                answer = session.setup(request)
            elif request["op"] == "run":
                answer = session.run(request)
            else:
                answer = {"error": f"unknown op {request['op']!r}"}
        except Exception as e:  # Reported to the Go side, which names the request.
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
