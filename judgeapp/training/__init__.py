"""Labels, labelled feature sets, windows, the trainer, evaluation and ablations.

Entry points: `labels.load_labels`, `feature_set.load_feature_set`, `trainer.train_head`,
`runs.train_run`, `model_training.train_target` / `train_model_set` (what `judgeapp train` runs:
seeds, the kept head, the model set and its intervals), `evaluation.evaluate`,
`ablation.run_variants`. Extracting a feature set is `analysis.set_extraction`.
"""
