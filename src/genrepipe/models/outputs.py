"""A network's output layer and what it is trained and watched with, as data a task hands to the
Keras family: softmax over classes, or a sigmoid per tag. Light: Keras is imported only when a
loss or a metric is built."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    """The last layer's activation, the `keras.losses` class trained with, and the metric watched
    (`accuracy`, or the mean ROC-AUC over tags: a `keras.metrics.AUC(multi_label=True)`)."""

    activation: str
    loss: str
    metric: str

    def build_loss(self, keras, label_smoothing: float):
        return getattr(keras.losses, self.loss)(label_smoothing=label_smoothing)

    def build_metrics(self, keras) -> list:
        if self.metric == "accuracy":
            return ["accuracy"]
        return [keras.metrics.AUC(multi_label=True, name=self.metric)]


SOFTMAX = Output("softmax", "CategoricalCrossentropy", "accuracy")
SIGMOID_PER_TAG = Output("sigmoid", "BinaryCrossentropy", "macro_roc_auc")
