#!/usr/bin/python3
"""PyTorch twin of a Distill4J online recipe, for scripts/bench: the same models, data and online step, timed.

    bench/torch_online.py --config configs/mnist/online-ta.yaml [--steps 300] [--warmup 30] [--threads 1]
    bench/torch_online.py --config configs/mnist/cnn-online.yaml --check

Everything comes from the Distill4J YAML config (raw, or resolved by `scripts/distill4j validate --print`; the
defaults of a raw config are Distill4J's, repeated in DEFAULTS below): models (family mlp or cnn, hidden widths, conv
stages, dropout, optimizer), who learns from whom, temperature/alpha per learner, period, temporal ensemble, batch,
seed, the dataset's IDX files under data.root (or --data).

The models are built as Distill4J's model families build them: an mlp is dense ReLU layers then a dense logits layer;
a cnn is per stage a 'valid' (no padding, stride 1) convolution with ReLU and a max-pool of kernel = stride = pool (if
pool > 1), then dense ReLU layers, then the logits layer. Xavier-normal weights, zero biases (DL4J's XAVIER).

One online step, as Distill4J's OnlineTrainer (twins are left out, as in `distill4j bench`'s headline): the next
shuffled batch; each model in step order (teacher, assistant, students) runs its training forward pass, loss,
backward pass and optimizer step. A publisher's soft targets are the logits of its own training forward pass,
detached (or, with signalSource eval-pass, one extra inference pass after its update), averaged per example over the
epochs when distill.temporalEnsemble > 0. A learner's loss is
    alpha * T^2 * KL(softmax(t/T) || softmax(z/T)) + (1 - alpha) * CE(y, softmax(z)),
plain CE for models that learn from labels, and during burn-in (the timed steps have no burn-in, as in
`distill4j bench`). Learners of a publisher step only on publishing steps (every distill.period steps).

Output: one `params <model>=<count>` line per model, then `RESULT samples_per_s=<x>` (timed steps only). With
--check it trains --check-steps steps first (the config's burn-in, capped at a third of them) and fails (exit 1)
unless bench/gate.py passes every model (finite losses, test accuracy >= --min-accuracy, a soft-target step at every
publishing step, a falling label loss for labels learners): a twin that skips work cannot report a flattering number.
"""
import argparse
import gzip
import json
import math
import re
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gate   # noqa: E402  (bench/gate.py: the correctness gate, testable without torch)

# Distill4J's defaults for keys a raw config may leave out (framework/src/main/java/io/distill4j/config/*Spec.java)
DEFAULTS = {
    'data': {'trainLimit': 0, 'testLimit': 0, 'validation': 5000},
    'distill': {'temperature': 4.0, 'alpha': 0.7, 'period': 1, 'burnInSteps': 0, 'temporalEnsemble': 0.0},
    'training': {'batchSize': 128, 'seed': 42, 'epochs': 1},
    'optimizer': {'name': 'adam', 'learningRate': 1e-3, 'schedule': 'constant'},
    'conv': {'kernel': 5, 'pool': 2},
}
TRANSFORMER_DEFAULTS = {'layers': 1, 'heads': 1, 'ffn': 0, 'norm': 'pre', 'pooling': 'mean'}   # ffn 0: 2 x hidden
TEXT_DATASETS = {'imdb': ('reviews.json', 2)}   # dataset -> (file, classes); aclImdb order, 12,500 per block
DATASETS = {  # dataset -> (train images, train labels, test images, test labels, classes, height, width, channels)
    'mnist': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte',
              10, 28, 28, 1),
    'fashion-mnist': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz',
                      't10k-labels-idx1-ubyte.gz', 10, 28, 28, 1),
}


def section(config, key):
    out = dict(DEFAULTS.get(key, {}))
    out.update({k: v for k, v in (config.get(key) or {}).items() if v is not None})
    return out


class Spec:
    """One model of the config, with Distill4J's defaults filled in."""

    def __init__(self, raw, default_name, default_source, distill):
        self.name = raw.get('name') or default_name
        self.family = raw.get('family')
        if self.family not in ('mlp', 'cnn', 'transformer'):
            raise SystemExit(f'{self.name}: family {self.family!r}: this twin knows mlp, cnn and transformer')
        hidden = raw.get('hidden') or []
        self.hidden = list(hidden) if isinstance(hidden, list) else [hidden]
        # transformer keys (Distill4J's defaults: TRANSFORMER_DEFAULTS)
        t = dict(TRANSFORMER_DEFAULTS, **{k: raw[k] for k in TRANSFORMER_DEFAULTS if raw.get(k) is not None})
        self.layers, self.heads, self.ffn = int(t['layers']), int(t['heads']), int(t['ffn'])
        self.norm, self.pooling = t['norm'], t['pooling']
        self.conv = [dict(DEFAULTS['conv'], **{k: v for k, v in c.items() if v is not None}) for c in raw.get('conv') or []]
        self.optimizer = dict(DEFAULTS['optimizer'], **{k: v for k, v in (raw.get('optimizer') or {}).items() if v is not None})
        self.dropout = float(raw.get('dropout') or 0.0)
        self.learns_from = raw.get('learnsFrom') or default_source
        self.eval_pass = raw.get('signalSource') == 'eval-pass'
        self.temperature = float(raw['temperature'] if raw.get('temperature') is not None else distill['temperature'])
        self.alpha = float(raw['alpha'] if raw.get('alpha') is not None else distill['alpha'])


def model_specs(config, distill):
    models = config.get('models') or {}
    teacher = models.get('teacher')
    assistant = models.get('assistant')
    specs = []
    if teacher:
        specs.append(Spec(teacher, 'teacher', 'labels', distill))
    if assistant:
        specs.append(Spec(assistant, 'assistant', 'teacher', distill))
    for s in models.get('students') or []:
        specs.append(Spec(s, None, 'assistant' if assistant else 'teacher', distill))
    # learnsFrom names a role; the signal is keyed by the publisher's model name
    role_name = {'teacher': specs[0].name if teacher else None, 'assistant': specs[1].name if teacher and assistant else None}
    for s in specs:
        s.source = None if s.learns_from == 'labels' else role_name[s.learns_from]
    return specs


class Transformer(nn.Module):
    """Distill4J's transformer family: token + learned position embeddings, pre- or post-LN encoder blocks (multi-head
    self-attention with a padding mask, GELU (tanh approximation) feed-forward), a final LN for pre-LN, mean pooling over non-pad positions
    or the CLS position, a linear classifier. Dropout on the embeddings, the attention output and the FFN output."""

    def __init__(self, spec, classes, max_length, vocab):
        super().__init__()
        h = spec.hidden[0]
        self.heads, self.pre, self.cls = spec.heads, spec.norm == 'pre', spec.pooling == 'cls'
        self.tokens = nn.Embedding(vocab, h)
        self.positions = nn.Parameter(torch.zeros(max_length, h))
        self.blocks = nn.ModuleList()
        for _ in range(spec.layers):
            b = nn.Module()
            b.qkv = nn.Linear(h, 3 * h)
            b.out = nn.Linear(h, h)
            b.ln1, b.ln2 = nn.LayerNorm(h), nn.LayerNorm(h)
            b.ff1, b.ff2 = nn.Linear(h, spec.ffn or 2 * h), nn.Linear(spec.ffn or 2 * h, h)
            self.blocks.append(b)
        self.final = nn.LayerNorm(h) if self.pre else None
        self.classifier = nn.Linear(h, classes)
        self.drop = nn.Dropout(spec.dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.tokens.weight, std=0.02)
        nn.init.normal_(self.positions, std=0.02)

    def attention(self, b, x, bias):
        n, length, h = x.shape
        q, k, v = b.qkv(x).view(n, length, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + bias
        a = torch.softmax(scores, -1) @ v
        return self.drop(b.out(a.transpose(1, 2).reshape(n, length, h)))

    def forward(self, ids):
        ids = ids.long()
        keep = (ids != 0).to(torch.float32)
        bias = ((keep - 1) * 1e9)[:, None, None, :]
        x = self.drop(self.tokens(ids) + self.positions[:ids.shape[1]])
        for b in self.blocks:
            if self.pre:
                x = x + self.attention(b, b.ln1(x), bias)
                x = x + self.drop(b.ff2(F.gelu(b.ff1(b.ln2(x)), approximate='tanh')))
            else:
                x = b.ln1(x + self.attention(b, x, bias))
                x = b.ln2(x + self.drop(b.ff2(F.gelu(b.ff1(x), approximate='tanh'))))
        if self.final is not None:
            x = self.final(x)
        pooled = x[:, 0] if self.cls else (x * keep[..., None]).sum(1) / keep.sum(1, keepdim=True).clamp(min=1)
        return self.classifier(pooled)


def build(spec, classes, height, width, channels):
    """The network of Distill4J's model family: body, then the dense logits layer (dropout before dense inputs)."""
    if spec.family == 'transformer':   # text: height = maxLength, width = vocabulary size
        return Transformer(spec, classes, height, width)
    layers = []
    drop = spec.dropout
    if spec.family == 'mlp':
        n_in = height * width * channels
        for i, w in enumerate(spec.hidden):
            if i > 0 and drop > 0:          # the pixels stay intact
                layers.append(nn.Dropout(drop))
            layers += [nn.Linear(n_in, w), nn.ReLU()]
            n_in = w
    else:
        layers.append(nn.Unflatten(1, (channels, height, width)))
        c, h, w_ = channels, height, width
        for stage in spec.conv:
            k, p = stage['kernel'], stage['pool']
            layers += [nn.Conv2d(c, stage['filters'], k), nn.ReLU()]   # stride 1, no padding (DL4J's Truncate mode)
            c, h, w_ = stage['filters'], h - k + 1, w_ - k + 1
            if p > 1:
                layers.append(nn.MaxPool2d(p, p))
                h, w_ = h // p, w_ // p
        layers.append(nn.Flatten())
        n_in = c * h * w_
        for w in spec.hidden:
            if drop > 0:
                layers.append(nn.Dropout(drop))
            layers += [nn.Linear(n_in, w), nn.ReLU()]
            n_in = w
    if drop > 0 and spec.hidden:
        layers.append(nn.Dropout(drop))
    layers.append(nn.Linear(n_in, classes))
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_normal_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def optimizer(spec, params, total_steps):
    o = spec.optimizer
    lr = float(o['learningRate'])
    name = o['name']
    if name == 'adam':
        opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    elif name == 'sgd':
        opt = torch.optim.SGD(params, lr=lr)
    elif name == 'nesterovs':
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    elif name == 'rmsprop':
        opt = torch.optim.RMSprop(params, lr=lr, alpha=0.95, eps=1e-8)   # DL4J's RmsProp decay
    else:
        raise SystemExit(f'{spec.name}: optimizer {name!r} unknown to this twin')
    sched = None
    if o['schedule'] == 'linear':
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: max(0.0, 1 - i / max(1, total_steps)))
    elif o['schedule'] != 'constant':
        raise SystemExit(f'{spec.name}: schedule {o["schedule"]!r} unknown to this twin')
    return opt, sched


def read_idx(path):
    with (gzip.open if path.endswith('.gz') else open)(path, 'rb') as f:
        raw = f.read()
    magic, = struct.unpack('>I', raw[:4])
    nd = magic & 0xff
    dims = struct.unpack('>' + 'I' * nd, raw[4:4 + 4 * nd])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


WORD = re.compile(r'[^\W_]+|[!?]')   # Distill4J's words-v1 tokenizer: letter/digit runs, ! and ? alone


def load_text(config, root_override):
    """IMDB as Distill4J reads it: aclImdb blocks (test/neg, train/neg, test/pos, train/pos), shuffled with a fixed seed,
    the last `validation` training reviews held out, a vocabulary of the top vocabSize-3 training words (PAD 0, UNK 1,
    CLS 2), rows [CLS, ids..., PAD...] of maxLength ids (a longer review cut as data.truncation says). The order of examples differs from Distill4J's (numpy's shuffle),
    which a speed and sanity twin does not need."""
    data = section(config, 'data')
    name = data['dataset']
    file, classes = TEXT_DATASETS[name]
    root = root_override or data.get('root') or f'data/{name}'
    max_length, vocab_size = int(data.get('maxLength') or 256), int(data.get('vocabSize') or 20000)
    truncation = data.get('truncation') or 'head'
    with open(os.path.join(root, file), encoding='utf-8') as f:
        reviews = json.load(f)
    block = len(reviews) // 4
    tokens = [WORD.findall(r['t'].replace('<br />', ' ').lower()) for r in reviews]
    labels = np.array([r['s'] for r in reviews], dtype=np.int64)
    train = np.r_[block:2 * block, 3 * block:4 * block]
    test = np.r_[0:block, 2 * block:3 * block]
    rng = np.random.default_rng(2011)
    train, test = rng.permutation(train), np.random.default_rng(2012).permutation(test)
    if data['trainLimit']:
        train = train[:data['trainLimit']]
    if data['testLimit']:
        test = test[:data['testLimit']]
    train = train[:len(train) - int(data['validation'])]
    counts = {}
    for i in train:
        for t in tokens[i]:
            counts[t] = counts.get(t, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))[:vocab_size - 3]
    ids = {w: k + 3 for k, w in enumerate(words)}

    def keep(toks, room):
        # data.truncation as Distill4J's Truncation: the head, the tail, or a quarter head and the rest tail
        if len(toks) <= room:
            return toks
        head = {'head': room, 'tail': 0, 'headTail': room // 4}[truncation]
        return toks[:head] + toks[len(toks) - (room - head):]

    def encode(rows):
        x = np.zeros((len(rows), max_length), dtype=np.float32)
        for r, i in enumerate(rows):
            seq = [2] + [ids.get(t, 1) for t in keep(tokens[i], max_length - 1)]
            x[r, :len(seq)] = seq
        return torch.from_numpy(x), torch.from_numpy(labels[rows])

    xtr, ytr = encode(train)
    xte, yte = encode(test)
    return xtr, ytr, xte, yte, (classes, max_length, vocab_size, 1)


def shape_of(config):
    """(classes, height, width, channels) of the config's dataset; for text (classes, maxLength, vocabSize, 1)."""
    data = section(config, 'data')
    name = data.get('dataset', 'mnist')
    if name in TEXT_DATASETS:
        return TEXT_DATASETS[name][1], int(data.get('maxLength') or 256), int(data.get('vocabSize') or 20000), 1
    if name not in DATASETS:
        raise SystemExit(f'dataset {name!r} unknown to this twin (known: {", ".join(list(DATASETS) + list(TEXT_DATASETS))})')
    return DATASETS[name][4:]


def load_data(config, root_override):
    data = section(config, 'data')
    name = data.get('dataset')
    if name in TEXT_DATASETS:
        return load_text(config, root_override)
    if name not in DATASETS:
        raise SystemExit(f'dataset {name!r} unknown to this twin (known: {", ".join(DATASETS)})')
    tri, trl, tei, tel, classes, h, w, c = DATASETS[name]
    root = root_override or data.get('root') or f'data/{name}'

    def split(images, labels, limit):
        x = read_idx(os.path.join(root, images)).reshape(-1, h * w * c)
        y = read_idx(os.path.join(root, labels)).astype(np.int64)
        if limit:
            x, y = x[:limit], y[:limit]
        return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y)

    xtr, ytr = split(tri, trl, data['trainLimit'])
    kept = xtr.shape[0] - int(data['validation'])   # Distill4J holds out the last `validation` training examples
    xte, yte = split(tei, tel, data['testLimit'])
    return xtr[:kept].contiguous(), ytr[:kept].contiguous(), xte, yte, (classes, h, w, c)


def kd_loss(z, targets, y, temperature, alpha):
    ce = F.cross_entropy(z, y)
    if targets is None:
        return ce
    t = temperature
    soft = F.kl_div(F.log_softmax(z / t, 1), F.log_softmax(targets / t, 1), reduction='batchmean', log_target=True)
    return alpha * t * t * soft + (1 - alpha) * ce


class TemporalEnsemble:
    """Per-example logits averaged over the epochs: memory = decay * memory + (1 - decay) * logits (first visit: logits)."""

    def __init__(self, examples, classes, decay):
        self.decay = decay
        self.memory = torch.zeros(examples, classes)
        self.seen = torch.zeros(examples, dtype=torch.bool)

    def update(self, idx, logits):
        old = self.memory[idx]
        seen = self.seen[idx].unsqueeze(1)
        new = torch.where(seen, self.decay * old + (1 - self.decay) * logits, logits)
        self.memory[idx] = new
        self.seen[idx] = True
        return new


class Online:
    def __init__(self, config, xtr, ytr, shape, total_steps, bf16=False):
        self.bf16 = bf16
        self.distill = section(config, 'distill')
        training = section(config, 'training')
        self.batch = int(training['batchSize'])
        self.seed = int(training['seed'])
        torch.manual_seed(self.seed)
        self.specs = model_specs(config, self.distill)
        self.nets = [build(s, *shape) for s in self.specs]
        self.opts = [optimizer(s, n.parameters(), total_steps) for s, n in zip(self.specs, self.nets)]
        publishers = {s.source for s in self.specs if s.source}
        self.publishes = [s.name in publishers for s in self.specs]
        decay = float(self.distill['temporalEnsemble'])
        self.memory = {s.name: TemporalEnsemble(xtr.shape[0], shape[0], decay)
                       for s, p in zip(self.specs, self.publishes) if p and decay > 0}
        self.xtr, self.ytr = xtr, ytr
        self.period = int(self.distill['period'])
        self.burn_in = 0
        self.step = 0
        self.epoch = 0
        self.order = None
        self.pos = 0
        self.steps_per_epoch = xtr.shape[0] // self.batch
        self.losses = {}
        self.kd_steps = {}        # per model, the steps it took on a publisher's soft targets
        self.publish_steps = 0

    def next_batch(self):
        if self.order is None or self.pos == self.steps_per_epoch:
            g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            self.order = torch.randperm(self.xtr.shape[0], generator=g)
            self.epoch += 1
            self.pos = 0
        idx = self.order[self.pos * self.batch:(self.pos + 1) * self.batch]
        self.pos += 1
        return idx

    def advance(self):
        idx = self.next_batch()
        self.step += 1
        x, y = self.xtr[idx], self.ytr[idx]
        burn_in = self.step <= self.burn_in
        publish = not burn_in and self.step % self.period == 0
        signals = {}
        self.publish_steps += publish
        for spec, net, (opt, sched), pub in zip(self.specs, self.nets, self.opts, self.publishes):
            targets = None
            if spec.source is not None and not burn_in:
                if spec.source not in signals:
                    continue          # off-period step: learners of a publisher wait
                targets = signals[spec.source]
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=self.bf16):
                z = net(x)
                loss = kd_loss(z, targets, y, spec.temperature, spec.alpha)
            z = z.float()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            self.losses.setdefault(spec.name, []).append(loss.item())
            if targets is not None:
                self.kd_steps[spec.name] = self.kd_steps.get(spec.name, 0) + 1
            if not pub:
                continue
            memory = self.memory.get(spec.name)
            if spec.eval_pass:
                # one extra inference pass with the updated weights, on publishing steps only (and only those fold)
                if publish:
                    net.eval()
                    with torch.no_grad():
                        logits = net(x)
                    net.train()
                    signals[spec.name] = memory.update(idx, logits) if memory is not None else logits
                continue
            logits = z.detach()
            if memory is not None:
                logits = memory.update(idx, logits)   # burn-in and off-period steps fold into the memory too
            if publish:
                signals[spec.name] = logits


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        correct = sum((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, x.shape[0], 1000))
    net.train()
    return correct / x.shape[0]


def check(config, data, shape, steps, min_accuracy, bf16=False):
    xtr, ytr, xte, yte = data
    run = Online(config, xtr, ytr, shape, steps, bf16)
    run.burn_in = min(int(run.distill['burnInSteps']), steps // 3)
    t0 = time.perf_counter()
    for _ in range(steps):
        run.advance()
    ok = True
    for spec, net in zip(run.specs, run.nets):
        # the losses of the last phase: a learner of a publisher's KD steps (after burn-in), a labels learner's all
        stepped = run.losses.get(spec.name, [])
        kd = run.kd_steps.get(spec.name, 0)
        losses = stepped[len(stepped) - kd:] if kd else stepped
        acc = accuracy(net, xte, yte)
        good, reasons = gate.judge(losses, kd, run.publish_steps, spec.source is not None, acc, min_accuracy)
        ok &= good
        trend = f'loss {np.mean(losses[:20]):.3f} -> {np.mean(losses[-20:]):.3f}, ' if losses else ''
        print(f'check {spec.name}: {len(stepped)} steps ({kd} on soft targets of {spec.source or "nobody"}), '
              f'{trend}test accuracy {acc:.4f} {"ok" if good else "FAILED: " + "; ".join(reasons)}')
    print(f'check: {steps} steps (burn-in {run.burn_in}) in {time.perf_counter() - t0:.1f} s: '
          f'{"ok" if ok else "FAILED (min accuracy %.2f)" % min_accuracy}')
    return ok


def openblas_core():
    """The kernel torch's BLAS runs (Debian: OpenBLAS through libblas.so.3), if it is OpenBLAS."""
    try:
        import ctypes
        lib = ctypes.CDLL('libblas.so.3')
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return 'not OpenBLAS'


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', required=True, help='Distill4J YAML config (raw or `validate --print` output)')
    p.add_argument('--data', help='dataset folder (default: the config\'s data.root)')
    p.add_argument('--steps', type=int, default=300, help='timed steps (default 300)')
    p.add_argument('--warmup', type=int, default=30, help='untimed steps first (default 30)')
    p.add_argument('--threads', type=int, default=torch.get_num_threads(), help='intra-op threads (torch.set_num_threads)')
    p.add_argument('--check', action='store_true', help='first train --check-steps steps and test the result')
    p.add_argument('--check-steps', type=int, default=300)
    p.add_argument('--min-accuracy', type=float, default=0.85)
    p.add_argument('--params-only', action='store_true', help='print the parameter counts and stop')
    p.add_argument('--precision', choices=['fp32', 'bf16'], default='fp32',
                   help="bf16: forward and loss under torch.autocast('cpu', dtype=torch.bfloat16), as Distill4J's "
                        "training.precision: bf16 (fp32 weights and optimizer state)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    with open(a.config) as f:
        config = yaml.safe_load(f)
    if config.get('recipe', 'online') != 'online':
        print(f'note: recipe {config.get("recipe")!r}: timing its models in the online step', file=sys.stderr)
    distill = section(config, 'distill')
    shape_models = [build(s, *shape_of(config)) for s in model_specs(config, distill)]
    for s, net in zip(model_specs(config, distill), shape_models):
        print(f'params {s.name}={sum(q.numel() for q in net.parameters())}')
    sys.stdout.flush()
    if a.params_only:
        return 0
    xtr, ytr, xte, yte, shape = load_data(config, a.data)
    if a.check and not check(config, (xtr, ytr, xte, yte), shape, a.check_steps, a.min_accuracy, a.precision == "bf16"):
        return 1
    # the timed run: fresh models, no burn-in (every step a distillation step), as `distill4j bench`
    run = Online(config, xtr, ytr, shape, 1 << 31, a.precision == 'bf16')
    for _ in range(a.warmup):
        run.advance()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        run.advance()
    seconds = time.perf_counter() - t0
    print(f'online step: {seconds / a.steps * 1e3:.2f} ms/step, {a.threads} intra-op thread(s), '
          f'OPENBLAS_NUM_THREADS={os.environ.get("OPENBLAS_NUM_THREADS", "unset")}, '
          f'OPENBLAS_CORETYPE={os.environ.get("OPENBLAS_CORETYPE", "unset")} (core {openblas_core()}), torch {torch.__version__}')
    print(f'RESULT samples_per_s={run.batch * a.steps / seconds:.1f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
