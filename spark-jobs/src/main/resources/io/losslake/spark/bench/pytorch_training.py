"""PyTorch CPU reference for `losslake bench training|rounds --pytorch PYTHON`.

Training: the same models as losslake's training benchmark (an MLP with ReLU hidden layers, or
NIID-Bench's LeNet-style CNN) on random 28x28 inputs with 10 classes, one thread, SGD with
Nesterov momentum 0.9 and lr 0.01; one tab-separated RESULT line per model and batch:
RESULT <model> <batch> <samples per second>.

Rounds (--round-sizes): FedAvg as the obvious single-process loop: per round every client trains
its slice of Fashion-MNIST's training split from the global model for one epoch (heavy-ball SGD),
the models are averaged weighted by example counts and the global model is evaluated on the test
split; one ROUND line per round: ROUND <round> <seconds> <test accuracy>.

--describe prints BACKEND lines: torch's version and build, the BLAS it loaded (with OpenBLAS's
version and the kernels it chose) and oneDNN. --probe LIB prints the kernels an OpenBLAS library
chooses on this CPU. Not a project dependency: run it with any Python that has torch (Debian:
apt-get install python3-torch libopenblas0-pthread).
"""
import argparse
import ctypes
import gzip
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(widths):
    layers, fan_in = [], 784
    for w in widths:
        layers += [nn.Linear(fan_in, w), nn.ReLU()]
        fan_in = w
    return nn.Sequential(*layers, nn.Linear(fan_in, 10))


class Cnn(nn.Module):
    def __init__(self, c1=6, c2=16, h1=120, h2=84):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, 5)
        self.conv2 = nn.Conv2d(c1, c2, 5)
        self.fc1 = nn.Linear(c2 * 4 * 4, h1)
        self.fc2 = nn.Linear(h1, h2)
        self.out = nn.Linear(h2, 10)

    def forward(self, x):
        x = x.view(-1, 1, 28, 28)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))


def build(spec):
    if spec.startswith("mlp:"):
        return mlp([int(w) for w in spec[4:].split(",")])
    if spec == "cnn":
        return Cnn()
    if spec.startswith("cnn:"):
        conv, dense = spec[4:].split("/")
        c1, c2 = (int(v) for v in conv.split(","))
        h1, h2 = (int(v) for v in dense.split(","))
        return Cnn(c1, c2, h1, h2)
    raise SystemExit(f"unknown model {spec!r}: expected mlp:<w>[,<w>...], cnn or cnn:<c1>,<c2>/<h1>,<h2>")


def samples_per_second(spec, batch, seconds):
    torch.manual_seed(0)
    model = build(spec)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    x = torch.rand(batch * 50, 784)
    y = torch.randint(0, 10, (batch * 50,))

    def steps(n, start):
        for i in range(start, start + n):
            j = i % 50
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x[j * batch:(j + 1) * batch]), y[j * batch:(j + 1) * batch])
            loss.backward()
            opt.step()

    warm = time.perf_counter()
    done = 0
    while time.perf_counter() - warm < 1.5:
        steps(5, done)
        done += 5
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        steps(5, n)
        n += 5
    return n * batch / (time.perf_counter() - t0)


def openblas(path):
    """(version, core) of an OpenBLAS library, or None for another BLAS."""
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
    except (OSError, AttributeError):
        return None
    config = lib.openblas_get_config().decode()
    version = config.split()[1] if config.startswith("OpenBLAS") else "?"
    return version, lib.openblas_get_corename().decode()


def describe():
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line), "?")
    print(f"BACKEND\ttorch {torch.__version__}, {torch.get_num_threads()} thread(s), CPU capability {capability}", flush=True)
    torch.mm(torch.rand(8, 8), torch.rand(8, 8))  # load the BLAS
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if line.split()[-1].startswith("/") and os.path.basename(line.split()[-1]).startswith(("libblas", "libopenblas"))})
    for lib in libs:
        info = openblas(lib)
        print(f"BACKEND\tBLAS {lib}" + (f": OpenBLAS {info[0]}, {info[1]} kernels" if info else ""), flush=True)
    if torch.backends.mkldnn.is_available():
        print("BACKEND\toneDNN (MKL-DNN) available: torch runs CPU convolutions through it", flush=True)
    overrides = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_") and k != "OPENBLAS_NUM_THREADS"}
    print("BACKEND\tOpenBLAS overrides in the environment: " + (", ".join(f"{k}={v}" for k, v in overrides.items()) or "none"), flush=True)


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def split(folder, name):
    def find(stem):
        for f in (stem, stem + ".gz"):
            if os.path.exists(os.path.join(folder, f)):
                return os.path.join(folder, f)
        raise SystemExit(f"{folder} has no {stem}[.gz]")
    x = idx(find(f"{name}-images-idx3-ubyte")).reshape(-1, 784).float() / 255
    y = idx(find(f"{name}-labels-idx1-ubyte")).long()
    return x, y


def rounds(spec, sizes, batch, lr, momentum, count, data):
    torch.manual_seed(0)
    x, y = split(data, "train")
    tx, ty = split(data, "t10k")
    global_model = build(spec)
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    for r in range(1, count + 1):
        t0 = time.perf_counter()
        total = float(sum(sizes))
        average = [torch.zeros_like(p) for p in global_model.parameters()]
        for start, n in zip(starts, sizes):
            model = build(spec)
            model.load_state_dict(global_model.state_dict())
            opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
            order = start + torch.randperm(n)
            for b in range(0, n, batch):
                idx_ = order[b:b + batch]
                opt.zero_grad(set_to_none=True)
                F.cross_entropy(model(x[idx_]), y[idx_]).backward()
                opt.step()
            with torch.no_grad():
                for a_, p in zip(average, model.parameters()):
                    a_.add_(p, alpha=n / total)
        with torch.no_grad():
            for p, a_ in zip(global_model.parameters(), average):
                p.copy_(a_)
            correct = 0
            for b in range(0, tx.shape[0], 1000):
                correct += (global_model(tx[b:b + 1000]).argmax(1) == ty[b:b + 1000]).sum().item()
        print(f"ROUND\t{r}\t{time.perf_counter() - t0:.4f}\t{correct / tx.shape[0]:.4f}", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", default="mlp:256,128;cnn")
    p.add_argument("--batches", default="32,64,256")
    p.add_argument("--seconds", type=float, default=4.0)
    p.add_argument("--describe", action="store_true")
    p.add_argument("--probe")
    p.add_argument("--round-sizes")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(1)
    print(f"VERSION\t{torch.__version__}", flush=True)
    if a.describe:
        describe()
    elif a.probe:
        info = openblas(a.probe)
        print(f"CORE\t{a.probe}\t" + (f"OpenBLAS {info[0]}, {info[1]} kernels" if info else "not an OpenBLAS"), flush=True)
    elif a.round_sizes:
        rounds(a.models.split(";")[0], [int(v) for v in a.round_sizes.split(",")], int(a.batches.split(",")[0]), a.lr, a.momentum,
               a.rounds, a.data)
    else:
        for spec in a.models.split(";"):
            for b in (int(v) for v in a.batches.split(",")):
                print(f"RESULT\t{spec}\t{b}\t{samples_per_second(spec, b, a.seconds):.1f}", flush=True)


if __name__ == "__main__":
    main()
