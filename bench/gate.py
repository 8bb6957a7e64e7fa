"""The correctness gate of the PyTorch twin (bench/torch_online.py --check), kept free of torch so it can be tested alone.

scripts/bench reports no speed unless the twin trains correctly: a twin that skips work could report a flattering number.
The gate checks only what the online method promises, for every model:
  - it stepped, and every loss it reported is finite;
  - its test accuracy reaches the minimum (the real measure of having learned);
  - a learner of a publisher stepped on the publisher's soft targets at every publishing step, a labels learner never;
  - a labels learner's loss fell (cross-entropy on fixed labels from random weights: what supervised training promises).
It does NOT ask a learner of a publisher for a falling loss: its target moves with a teacher that is still training, so
its distillation loss can stay flat or rise while it learns well (seen on an AMD EPYC Zen 3: the assistant's loss went
0.225 -> 0.226 over 200 steps at 93.6% test accuracy).
"""
import math

WINDOW = 20   # losses averaged at each end for the labels learners' trend


def judge(losses, kd_steps, publish_steps, learns_from_publisher, accuracy, min_accuracy):
    """One model's verdict: (ok, reasons). losses: its per-step losses of the last phase (after burn-in for a learner of
    a publisher), kd_steps: the steps it took on soft targets, publish_steps: the publishing steps of the run."""
    reasons = []
    if not losses:
        reasons.append('took no step')
    elif not all(math.isfinite(x) for x in losses):
        reasons.append('a loss is not finite')
    if not (isinstance(accuracy, float) and math.isfinite(accuracy)) or accuracy < min_accuracy:
        reasons.append(f'test accuracy {accuracy:.4f} < {min_accuracy:.2f}')
    expected = publish_steps if learns_from_publisher else 0
    if kd_steps != expected:
        reasons.append(f'{kd_steps} soft-target steps, expected {expected}')
    if losses and not learns_from_publisher and all(math.isfinite(x) for x in losses):
        first, last = mean(losses[:WINDOW]), mean(losses[-WINDOW:])
        if not last < first:
            reasons.append(f'its label loss did not fall ({first:.3f} -> {last:.3f})')
    return not reasons, reasons


def mean(xs):
    return sum(xs) / len(xs)
