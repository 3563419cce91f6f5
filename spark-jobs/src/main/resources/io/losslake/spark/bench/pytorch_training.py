"""PyTorch CPU reference for `losslake bench training --pytorch PYTHON`.

Trains the same models as losslake's training benchmark (an MLP with ReLU hidden layers, or
NIID-Bench's LeNet-style CNN) on random 28x28 inputs with 10 classes, one thread, SGD with
Nesterov momentum 0.9 and lr 0.01, and prints one tab-separated RESULT line per model and batch:
RESULT <model> <batch> <samples per second>. Not a project dependency: run it with any Python
that has torch (Debian: apt-get install python3-torch).
"""
import argparse
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", default="mlp:256,128;cnn")
    p.add_argument("--batches", default="32,64,256")
    p.add_argument("--seconds", type=float, default=4.0)
    a = p.parse_args()
    torch.set_num_threads(1)
    print(f"VERSION\t{torch.__version__}", flush=True)
    for spec in a.models.split(";"):
        for b in (int(v) for v in a.batches.split(",")):
            print(f"RESULT\t{spec}\t{b}\t{samples_per_second(spec, b, a.seconds):.1f}", flush=True)


if __name__ == "__main__":
    main()
