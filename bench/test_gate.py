"""Tests of the twin's correctness gate (run by scripts/test: python3 -m unittest discover -s bench)."""
import math
import unittest

from gate import judge

FALLING = [2.3 - 0.007 * i for i in range(300)]      # a labels learner that learns
FLAT = [0.225 + 0.001 * ((i * 7) % 3 - 1) for i in range(200)]   # a learner of a moving teacher: flat, as seen on Zen 3


class GateTest(unittest.TestCase):
    def test_flat_loss_learner_of_a_publisher_passes(self):
        ok, reasons = judge(FLAT, kd_steps=200, publish_steps=200, learns_from_publisher=True, accuracy=0.9357,
                            min_accuracy=0.85)
        self.assertTrue(ok, reasons)

    def test_rising_loss_learner_of_a_publisher_passes_when_it_learned(self):
        rising = [0.2 + 0.0005 * i for i in range(200)]
        ok, _ = judge(rising, 200, 200, True, 0.95, 0.85)
        self.assertTrue(ok)

    def test_labels_learner_that_learns_passes(self):
        ok, reasons = judge(FALLING, 0, 200, False, 0.97, 0.85)
        self.assertTrue(ok, reasons)

    def test_learner_below_the_accuracy_fails(self):
        ok, reasons = judge(FLAT, 200, 200, True, 0.10, 0.85)
        self.assertFalse(ok)
        self.assertIn('test accuracy 0.1000 < 0.85', reasons)

    def test_learner_with_a_non_finite_loss_fails(self):
        ok, reasons = judge(FLAT + [math.nan], 200, 200, True, 0.95, 0.85)
        self.assertFalse(ok)
        self.assertIn('a loss is not finite', reasons)

    def test_learner_that_skipped_soft_target_steps_fails(self):
        ok, reasons = judge(FLAT, 150, 200, True, 0.95, 0.85)
        self.assertFalse(ok)
        self.assertIn('150 soft-target steps, expected 200', reasons)

    def test_labels_learner_fed_soft_targets_fails(self):
        ok, reasons = judge(FALLING, 5, 200, False, 0.97, 0.85)
        self.assertFalse(ok)

    def test_labels_learner_whose_loss_did_not_fall_fails(self):
        ok, reasons = judge([2.3] * 300, 0, 200, False, 0.97, 0.85)
        self.assertFalse(ok)
        self.assertTrue(any('did not fall' in r for r in reasons), reasons)

    def test_learner_that_never_stepped_fails(self):
        ok, reasons = judge([], 0, 200, True, 0.95, 0.85)
        self.assertFalse(ok)
        self.assertIn('took no step', reasons)

    def test_nan_accuracy_fails(self):
        ok, _ = judge(FLAT, 200, 200, True, math.nan, 0.85)
        self.assertFalse(ok)


if __name__ == '__main__':
    unittest.main()
