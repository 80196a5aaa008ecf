#!/usr/bin/env python3
"""Train genplat velocity networks on a CUDA GPU with PyTorch, and write them as genplat model weights.

A mirror of src/GenerationPlatform.Diffusion/Model/VelocityUNet.cs (same modules, same parameter names, same
forward pass) and of FlowMatchingTrainer.cs's objective (SEARCH.md section 2: x_t = (1 - t) x0 + t eps, t ~ U(0, 1),
target v = eps - x0, MSE; label dropout to the null label; AdamW without weight decay; gradient clipping at 1; EMA
with the trainer's warm-up), for training runs that the project's 2-core CPUs cannot afford. The output is an EMA
safetensors file with the same keys and metadata as `genplat-research train-model` writes, so TorchSharp loads it
(VelocityModelFile.Load) and `genplat export-onnx` exports it; nothing on the serving path depends on this script.

Before training it proves the mirror: the shipped models/velocity-unet weights run through this module and through
the shipped ONNX export (models/velocity-unet-onnx, written by genplat's own exporter, run by ONNX Runtime on the
CPU) must agree on random inputs to 1e-4, on the CPU and on the GPU.

Differences from the C# trainer, all stated in the metadata: batches are drawn with replacement (not epoch
permutations), the forward pass runs under bfloat16 autocast in channels-last layout, and the learning rate follows
500 warm-up steps then a cosine decay to 5% over the planned steps (planned from the measured step rate so that
the run fits its time budget).

Usage (docs/MODEL.md has the exact command and provenance):
  python3 infra/gpu/train_velocity.py --data DIR --out DIR [--seconds 190] [--batch 512]
DIR holds train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz (the Debian package dataset-fashion-mnist).
"""
import argparse
import copy
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

INTERPOLANT = "x_t = (1 - t) x0 + t eps; predicts v = eps - x0; t = 1 is noise"


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


def norm(channels):
    return nn.GroupNorm(8 if channels % 8 == 0 else 1, channels, eps=1e-5)


class TimestepEmbedder(nn.Module):
    def __init__(self, frequency_dim, hidden):
        super().__init__()
        self.frequency_dim = frequency_dim
        self.fc1 = nn.Linear(frequency_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)

    def forward(self, t):
        half = self.frequency_dim // 2
        freqs = torch.exp(torch.arange(half, dtype=torch.float32, device=t.device) * (-math.log(10000.0) / half))
        args = (t.float() * 1000.0).unsqueeze(1) * freqs.unsqueeze(0)
        emb = torch.cat([torch.cos(args), torch.sin(args)], 1)
        return self.fc2(F.silu(self.fc1(emb)))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, dropout):
        super().__init__()
        self.norm1 = norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.embProj = nn.Linear(emb, 2 * cout)
        self.norm2 = norm(cout)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.embProj(F.silu(emb)).unsqueeze(-1).unsqueeze(-1).chunk(2, 1)
        h = self.norm2(h) * (scale + 1) + shift
        h = self.conv2(self.dropout(F.silu(h)))
        residual = x if self.skip is None else self.skip(x)
        return residual + h


class AttentionBlock(nn.Module):
    def __init__(self, channels, heads):
        super().__init__()
        self.heads = heads
        self.norm = norm(channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.proj = nn.Conv2d(channels, channels, 1)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x):
        b, c, h, w = x.shape
        n, d = h * w, c // self.heads
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, self.heads, d, n).transpose(-1, -2).unbind(1)
        o = F.scaled_dot_product_attention(q, k, v)
        o = o.transpose(-1, -2).reshape(b, c, h, w)
        return x + self.proj(o)


class VelocityUNet(nn.Module):
    def __init__(self, base=32, multipliers=(1, 2, 2), emb=128, classes=10, dropout=0.1, heads=4, channels=1):
        super().__init__()
        self.config = dict(base=base, multipliers=tuple(multipliers), emb=emb, classes=classes, heads=heads, channels=channels)
        c0, c1, c2 = (base * m for m in multipliers)
        self.timeEmbed = TimestepEmbedder(base * 2, emb)
        self.labelEmbed = nn.Embedding(classes + 1, emb)
        self.convIn = nn.Conv2d(channels, c0, 3, padding=1)
        self.enc0 = ResBlock(c0, c0, emb, dropout)
        self.down0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.enc1 = ResBlock(c0, c1, emb, dropout)
        self.down1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.enc2 = ResBlock(c1, c2, emb, dropout)
        self.mid1 = ResBlock(c2, c2, emb, dropout)
        self.midAttn = AttentionBlock(c2, heads)
        self.mid2 = ResBlock(c2, c2, emb, dropout)
        self.dec2 = ResBlock(c2 + c2, c2, emb, dropout)
        self.up1 = nn.Conv2d(c2, c2, 3, padding=1)
        self.dec1 = ResBlock(c2 + c1, c1, emb, dropout)
        self.up0 = nn.Conv2d(c1, c1, 3, padding=1)
        self.dec0 = ResBlock(c1 + c0, c0, emb, dropout)
        self.normOut = norm(c0)
        self.convOut = nn.Conv2d(c0, channels, 3, padding=1)
        nn.init.zeros_(self.convOut.weight)
        nn.init.zeros_(self.convOut.bias)

    def forward(self, x, t, label):
        emb = self.timeEmbed(t) + self.labelEmbed(label)
        h0 = self.enc0(self.convIn(x), emb)
        h1 = self.enc1(self.down0(h0), emb)
        h2 = self.enc2(self.down1(h1), emb)
        h = self.mid2(self.midAttn(self.mid1(h2, emb)), emb)
        h = self.dec2(torch.cat([h, h2], 1), emb)
        h = self.up1(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.dec1(torch.cat([h, h1], 1), emb)
        h = self.up0(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.dec0(torch.cat([h, h0], 1), emb)
        return self.convOut(F.silu(self.normOut(h)))

    def metadata(self, description):
        c = self.config
        return {
            "format": "pt", "architecture": "genplat-velocity-unet", "base_channels": str(c["base"]),
            "multipliers": ",".join(str(m) for m in c["multipliers"]), "embedding_dim": str(c["emb"]),
            "classes": str(c["classes"]), "attention_heads": str(c["heads"]), "image_channels": str(c["channels"]),
            "height": "28", "width": "28", "text_embedding": "0", "interpolant": INTERPOLANT, "description": description,
        }


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def check_mirror(repo, device):
    """The shipped weights through this mirror against the shipped ONNX export through ONNX Runtime (CPU)."""
    import onnxruntime as ort
    weights = load_file(os.path.join(repo, "models/velocity-unet/velocity-unet.safetensors"))
    model = VelocityUNet()
    model.load_state_dict({k: v.float() for k, v in weights.items()}, strict=True)
    model.eval()
    g = torch.Generator().manual_seed(7)
    x = torch.randn(64, 1, 28, 28, generator=g)
    t = torch.rand(64, generator=g)
    y = torch.randint(0, 11, (64,), generator=g)
    y[:4] = 10
    session = ort.InferenceSession(os.path.join(repo, "models/velocity-unet-onnx/velocity.onnx"), providers=["CPUExecutionProvider"])
    reference = session.run(["v"], {"x": x.numpy(), "t": t.numpy(), "condition": y.numpy()})[0]
    result = {}
    with torch.no_grad():
        result["cpu"] = float(np.abs(model(x, t, y).numpy() - reference).max())
        if device.type == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
            m = model.to(device)
            result["cuda"] = float(np.abs(m(x.to(device), t.to(device), y.to(device)).cpu().numpy() - reference).max())
    result["ok"] = all(v < 1e-4 for k, v in result.items())
    return result


def train(name, config, images, labels, args, device, planned_steps=None, deadline=None):
    torch.manual_seed(args.seed)
    model = VelocityUNet(**config).to(device).to(memory_format=torch.channels_last)
    parameters = sum(p.numel() for p in model.parameters())
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0, fused=device.type == "cuda")
    gen = torch.Generator(device=device).manual_seed(args.seed * 7919 + 17)
    model_params, ema_params = list(model.parameters()), list(ema.parameters())
    n, b = images.shape[0], args.batch
    log(f"{name}: {parameters:,} parameters, batch {b}, planned steps {planned_steps or 'from the measured rate'}")
    start = time.time()
    step, loss_sum, loss_count, curve = 0, torch.zeros((), device=device), 0, []
    total = planned_steps
    rate_mark = None
    while True:
        if total is not None and step >= total:
            break
        if deadline is not None and time.time() > deadline:
            log(f"{name}: stopped by the deadline at step {step} of {total}")
            break
        idx = torch.randint(0, n, (b,), device=device, generator=gen)
        x0 = images[idx]
        y = labels[idx]
        drop = torch.rand(b, device=device, generator=gen) < 0.1
        y = torch.where(drop, torch.full_like(y, config.get("classes", 10)), y)
        t = torch.rand(b, device=device, generator=gen)
        eps = torch.randn(x0.shape, device=device, generator=gen)
        tb = t.view(-1, 1, 1, 1)
        xt = ((1 - tb) * x0 + tb * eps).contiguous(memory_format=torch.channels_last)
        target = eps - x0
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            v = model(xt, t, y)
        loss = F.mse_loss(v.float(), target)
        if step < args.warmup:
            lr = args.lr * (step + 1) / args.warmup
        elif total is None:
            lr = args.lr
        else:
            progress = min(1.0, (step - args.warmup) / max(1, total - args.warmup))
            lr = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model_params, 1.0)
        optimizer.step()
        decay = min(args.ema, (1.0 + step) / (10.0 + step))
        with torch.no_grad():
            torch._foreach_lerp_(ema_params, model_params, 1.0 - decay)
        loss_sum += loss.detach()
        loss_count += 1
        step += 1
        if step == 50:
            torch.cuda.synchronize() if device.type == "cuda" else None
            rate_mark = (time.time(), step)
        if total is None and step == 300:
            torch.cuda.synchronize() if device.type == "cuda" else None
            rate = (step - rate_mark[1]) / (time.time() - rate_mark[0])
            total = max(step + 1, int(rate * args.seconds))
            log(f"{name}: {rate:.1f} steps/s ({rate * b:,.0f} images/s): planning {total} steps for {args.seconds} s")
        if step % 500 == 0:
            mean = float(loss_sum) / loss_count
            curve.append((step, round(mean, 5)))
            log(f"{name}: step {step}/{total} loss {mean:.4f} lr {lr:.2e} {time.time() - start:.0f} s")
            loss_sum.zero_()
            loss_count = 0
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.time() - start
    description = (f"trained by infra/gpu/train_velocity.py on {torch.cuda.get_device_name(0) if device.type == 'cuda' else 'cpu'}: "
                   f"{step} steps of batch {b} ({step * b:,} images, {step * b / n:.1f} epochs), seed {args.seed}, lr {args.lr} "
                   f"(warm-up {args.warmup}, cosine to 5%), EMA {args.ema}, bf16 autocast, {seconds:.0f} s")
    state = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in ema.state_dict().items()}
    path = os.path.join(args.out, f"{name}.safetensors")
    save_file(state, path, metadata=ema.metadata(description))
    log(f"{name}: wrote {path} ({os.path.getsize(path):,} bytes): {description}")
    return dict(name=name, parameters=parameters, steps=step, planned=total, batch=b, images=step * b, seconds=round(seconds, 1),
                final_loss=curve[-1][1] if curve else None, curve=curve, description=description)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    p.add_argument("--seconds", type=float, default=190, help="training time of the large model; the small one trains the same steps")
    p.add_argument("--deadline", type=float, default=470, help="seconds after start after which training stops and saves, whatever was planned")
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=500)
    p.add_argument("--ema", type=float, default=0.9995)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    log(f"torch {torch.__version__}, device {device}", torch.cuda.get_device_name(0) if device.type == "cuda" else "")
    report = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"}
    try:
        report["mirror"] = check_mirror(args.repo, device)
    except Exception as e:  # the run still trains; the report says the mirror was not proven
        report["mirror"] = {"ok": False, "error": repr(e)}
    log("mirror check:", report["mirror"])
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    raw = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    lab = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    images = torch.from_numpy(raw.copy()).to(device).float().div_(127.5).sub_(1.0).unsqueeze(1)
    labels = torch.from_numpy(lab.astype(np.int64)).to(device)
    log(f"data: {tuple(images.shape)} images, labels {tuple(labels.shape)}")
    deadline = t0 + args.deadline
    report["runs"] = []
    large = train("velocity-unet-large", dict(base=64, multipliers=(1, 2, 2), emb=256), images, labels, args, device, deadline=deadline)
    report["runs"].append(large)
    with open(os.path.join(args.out, "train-report.json"), "w") as f:
        json.dump(report, f, indent=1)
    small = train("velocity-unet-small", dict(base=32, multipliers=(1, 2, 2), emb=128), images, labels, args, device,
                  planned_steps=large["steps"], deadline=deadline + 60)
    report["runs"].append(small)
    report["wall_seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(args.out, "train-report.json"), "w") as f:
        json.dump(report, f, indent=1)
    log("done in", report["wall_seconds"], "s")


if __name__ == "__main__":
    sys.exit(main())
