#!/usr/bin/python3
"""PyTorch reference for `make bench`: the GoKD U-Nets rebuilt in PyTorch and timed the same way.

Run by cmd/gokd-bench (never imported by GoKD): it reads one JSON request per line on stdin and answers one JSON
line on stdout. Requests:

  {"op": "setup", "arch": {...}, "task": "train"|"infer", "batch": 8, "size": 128, "threads": 2, "device": "cpu"}
      builds the network described by nets.Architecture (see kd/nets/arch.go) on device ("cpu", the default, or
      "cuda"), warms it up once, and answers {"ok": true}.
  {"op": "run", "reps": 3}
      times reps calls of the task set up last and answers {"ms": [...], "peak_bytes": N}, where peak_bytes is the
      process's resident-memory high-water mark since the set-up began, minus its resident memory just before
      (on "cuda": the peak of PyTorch's CUDA allocations since the set-up began).

Use Debian's interpreter (/usr/bin/python3), which has python3-torch.
"""
import gc
import json
import sys
import time

import torch
from torch import nn


def largest_divisor_up_to(n, limit):
    for d in range(min(n, limit), 1, -1):
        if n % d == 0:
            return d
    return 1


class Block(nn.Sequential):
    """Twice (conv 3x3 -> normalisation -> ReLU), as nets.Config.block."""

    def __init__(self, arch, cin, width):
        layers = []
        norm = arch["Norm"]
        for _ in range(2):
            bias = norm == "none"
            if arch["Conv"] == "separable":
                layers += [nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False),
                           nn.Conv2d(cin, width, 1, bias=bias)]
            else:
                layers.append(nn.Conv2d(cin, width, 3, padding=1, bias=bias))
            if norm == "group":
                layers.append(nn.GroupNorm(largest_divisor_up_to(width, arch["Groups"]), width, eps=1e-5))
            elif norm == "instance":
                layers.append(nn.GroupNorm(width, width, eps=1e-5))
            elif norm == "batch":
                layers.append(nn.BatchNorm2d(width, eps=1e-5, momentum=0.1))
            layers.append(nn.ReLU())
            cin = width
        super().__init__(*layers)


class UNet(nn.Module):
    """The U-Net of nets.Config.Apply: encoder blocks + 2x2 max-pool, bottleneck, nearest up-sampling +
    concatenation (up-sampled first, then skip) + block, 1x1 head; with a stem, pixel unshuffle before and pixel
    shuffle after (PyTorch's channel order differs from nets.SpaceToDepth's, which does not matter for speed)."""

    def __init__(self, arch):
        super().__init__()
        widths, levels = arch["Widths"], arch["Levels"]
        self.stem = arch.get("Stem", 1)
        self.encoders = nn.ModuleList()
        cin = arch["InputChannels"] * self.stem ** 2
        for level in range(levels - 1):
            self.encoders.append(Block(arch, cin, widths[level]))
            cin = widths[level]
        self.bottleneck = Block(arch, cin, widths[levels - 1])
        self.decoders = nn.ModuleList()
        for level in range(levels - 2, -1, -1):
            self.decoders.append(Block(arch, widths[level + 1] + widths[level], widths[level]))
        self.head = nn.Conv2d(widths[0], arch["Classes"] * self.stem ** 2, 1)
        self.pool = nn.MaxPool2d(2)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")

    def forward(self, x):
        if self.stem > 1:
            x = nn.functional.pixel_unshuffle(x, self.stem)
        skips = []
        for encoder in self.encoders:
            x = encoder(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        for decoder in self.decoders:
            x = decoder(torch.cat([self.up(x), skips.pop()], dim=1))
        x = self.head(x)
        if self.stem > 1:
            x = nn.functional.pixel_shuffle(x, self.stem)
        return x


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


class Session:
    def __init__(self):
        self.step = None
        self.base_kib = 0
        self.device = torch.device("cpu")

    def setup(self, request):
        self.step = None
        gc.collect()
        torch.set_num_threads(request.get("threads", 2))
        self.device = torch.device(request.get("device", "cpu"))
        if self.device.type == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats(self.device)
        self.base_kib = rss_kib("VmRSS")
        reset_peak()
        arch, batch, size = request["arch"], request["batch"], request["size"]
        torch.manual_seed(0)
        net = UNet(arch).to(self.device)
        images = torch.randn(batch, arch["InputChannels"], size, size).to(self.device)
        if request["task"] == "train":
            net.train()
            labels = torch.randint(0, arch["Classes"], (batch, size, size)).to(self.device)
            optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
            loss_fn = nn.CrossEntropyLoss()

            def step():
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(net(images), labels)
                loss.backward()
                optimizer.step()
                return loss.item()
        else:
            net.eval()

            def step():
                with torch.no_grad():
                    return net(images).sum().item()
        step()  # Warm-up, as the Go side's compilation run.
        self.step = step
        return {"ok": True}

    def run(self, request):
        times = []
        for _ in range(request["reps"]):
            start = time.perf_counter()
            self.step()
            times.append(1000 * (time.perf_counter() - start))
        if self.device.type == "cuda":  # .item() in step() has synchronised the device.
            peak = torch.cuda.max_memory_allocated(self.device)
        else:
            peak = (rss_kib("VmHWM") - self.base_kib) * 1024
        return {"ms": times, "peak_bytes": peak}


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
