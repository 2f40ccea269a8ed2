"""RNNsearch (Bahdanau et al. 2015) beside the Transformer: alignments, incremental decoding, FLOP counts, the
seq2seq recipe with its time budget, and a tiny model that learns to copy through the shared Trainer."""
from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from models.flops import training_flops
from models.recurrent import RNNSearch, RNNSearchConfig, small
from models.transformer import Transformer, TransformerConfig, beam_search, greedy_decode, parameter_count
from tests.test_transformer import copy_corpus, padded_batch
from train.config import ConfigError
from train.recipes import experiment_configs, get_recipe
from train.text_data import BOS, EOS, ParallelCorpus
from train.trainer import Listener, Trainer
from train.translation_task import TranslationTask, Translator, export_bundle, load_bundle


def tiny(**changes) -> RNNSearch:
    torch.manual_seed(0)
    cfg = RNNSearchConfig(**{"src_vocab": 30, "tgt_vocab": 30, "emb_size": 16, "hidden_size": 24, "align_size": 20,
                             "maxout_size": 16, "share_embeddings": True, "tie_output": True, **changes})
    model = RNNSearch(cfg).eval()
    with torch.no_grad():  # away from the paper's near-zero start, so the alignments are not uniform
        for p in model.parameters():
            p.normal_(0, 0.3)
    return model


def test_alignments_are_distributions_over_real_source_tokens():
    src, tgt = padded_batch()
    logits, maps = tiny()(src, tgt, need_weights=True)
    assert logits.shape == (2, 4, 30)
    alignments = maps["cross"]                                        # (B, layers, heads, T, S)
    assert alignments.shape == (2, 1, 1, 4, 5)
    assert torch.allclose(alignments.sum(-1), torch.ones(2, 1, 1, 4))
    assert (alignments[1, ..., 3:] == 0).all()                         # the padding is never attended
    assert alignments[0].std() > 0.01                                 # not uniform: the alignment model is at work


def test_decoding_one_token_at_a_time_equals_the_full_pass():
    model = tiny()
    src, tgt = padded_batch()
    full, maps = model(src, tgt, need_weights=True)
    memory, src_mask, _ = model.encode(src)
    cache: list[dict] = [{} for _ in model.decoder]
    steps = [model.decode(tgt[:, i:i + 1], memory, src_mask, cache=cache, offset=i) for i in range(tgt.size(1))]
    assert torch.allclose(torch.cat([s[0] for s in steps], 1), full, atol=1e-5)
    assert torch.allclose(torch.cat([s[2][0] for s in steps], 2), maps["cross"][:, 0], atol=1e-6)


def test_padding_does_not_change_a_sentence():
    """The backward GRU starts at each sentence's own </s> (packed sequences), not at the batch's padding."""
    model = tiny()
    src, tgt = padded_batch()
    batched = model(src, tgt)
    alone = model(src[1:, :3], tgt[1:, :2])
    assert torch.allclose(batched[1, :2], alone[0], atol=1e-5)


def test_the_transformers_decoding_functions_drive_it():
    model = tiny()
    src = torch.tensor([[5, 6, 7, EOS]])
    greedy = greedy_decode(model, src, BOS, EOS, max_len=12)[0]
    assert beam_search(model, src, BOS, EOS, max_len=12, beam=1)[0] == greedy
    assert len(beam_search(model, src, BOS, EOS, max_len=12, beam=4)[0]) <= 12
    with pytest.raises(ValueError, match="no attention heads"):
        model.encode(src, gates={"encoder": torch.ones(1, 1)})


@pytest.mark.parametrize("model", [
    tiny(),
    Transformer(TransformerConfig(src_vocab=30, tgt_vocab=30, n_layers=2, d_model=32, d_ff=64, n_heads=4)),
], ids=["rnnsearch", "transformer"])
def test_flop_estimate_matches_pytorchs_counter(model):
    """The per-layer count of a training step against torch.utils.flop_counter on a batch without padding."""
    torch.manual_seed(1)
    src, tgt = torch.randint(4, 30, (3, 9)), torch.randint(4, 30, (3, 7))
    with FlopCounterMode(display=False) as counter:
        model(src, tgt).sum().backward()
    assert training_flops(model, 3, 9, 7) == pytest.approx(counter.get_total_flops(), rel=0.1)


def test_the_bundled_size_and_config_errors():
    assert parameter_count(RNNSearch(small())) * 2 <= 6_000_000     # bytes in fp16: assets stay small
    with pytest.raises(ValueError, match="maxout_size == emb_size"):
        RNNSearchConfig(tie_output=True)
    with pytest.raises(ConfigError, match="arch"):
        get_recipe("seq2seq").config(None, arch="lstm")


def test_the_experiment_gives_both_models_one_budget():
    runs = dict(experiment_configs("attention-vs-recurrence", "reference"))
    assert {cfg.arch for cfg in runs.values()} == {"transformer", "rnnsearch"}
    assert len({cfg.minutes for cfg in runs.values()}) == 1
    assert runs["Transformer"].schedule == "inverse_sqrt" and runs["RNNsearch"].clip_norm == 1.0
    assert isinstance(RNNSearch(runs["RNNsearch"].model_config(8000)), RNNSearch)


def copy_task(**changes) -> tuple[TranslationTask, object]:
    corpus = ParallelCorpus("copy", "en", "en", {"train": copy_corpus(2000, 0), "val": copy_corpus(30, 1),
                                                 "test": copy_corpus(30, 2)}, "generated")
    cfg = get_recipe("seq2seq").config(None, **{
        "emb_size": 32, "hidden_size": 48, "align_size": 32, "maxout_size": 32, "tie_output": True, "dropout": 0.0,
        "vocab_size": 100, "batch_size": 300, "lr": 3e-3, "log_every": 25, "eval_every": 10**6,
        "checkpoint_every": 10**6, "eval_size": 30, "max_sentence_tokens": 20, **changes})
    return TranslationTask(cfg, torch.device("cpu"), corpus=corpus), cfg


def test_a_tiny_rnnsearch_learns_to_copy(tmp_path):
    """Real training through the shared Trainer (Adam, clipping at 1), then export and load back as fp16."""
    torch.manual_seed(0)
    task, cfg = copy_task(steps=200)
    trainer = Trainer(task, cfg, torch.device("cpu"), checkpoint_dir=tmp_path / "ckpt")
    assert trainer.fit() == "done"
    assert task.evaluate(task.model)["bleu"] > 80
    translator = Translator(task.model, task.tokenizer, {"corpus": "copy", "tgt_lang": "en"})
    out = translator.translate("blue gold red pink", beam=4)
    assert out.text == "blue gold red pink"
    cross = translator.attention_maps(out.source_ids, out.output_ids)["cross"][0, 0]   # (T, S): Fig. 3's map
    assert (cross.argmax(-1)[:4] == [0, 1, 2, 3]).all()              # copying: each word aligned to itself
    loaded = load_bundle(export_bundle(translator, tmp_path / "bundle"))
    assert isinstance(loaded.model, RNNSearch)
    assert loaded.translate("gray white black").text == translator.translate("gray white black").text


class Metrics(Listener):
    def __init__(self):
        self.seen: dict[int, dict] = {}

    def on_metrics(self, step: int, values: dict[str, float]) -> None:
        self.seen.setdefault(step, {}).update(values)


def test_the_time_budget_ends_the_run_done_and_seconds_and_flops_are_logged(tmp_path):
    task, cfg = copy_task(steps=10**6, minutes=0.1, log_every=1)  # 6 s: a few logged steps even on a loaded CPU
    metrics = Metrics()
    trainer = Trainer(task, cfg, torch.device("cpu"), checkpoint_dir=tmp_path, listeners=[metrics])
    assert trainer.fit() == "done"
    seen, steps = metrics.seen, sorted(metrics.seen)
    assert trainer.step < 10**6 and steps[-1] == trainer.step and "bleu" in seen[trainer.step]
    assert seen[steps[-1]]["seconds"] >= 6.0 > seen[steps[-2]]["seconds"] > seen[steps[0]]["seconds"] > 0
    assert seen[steps[1]]["flops"] > seen[steps[0]]["flops"] > 0
    resumed = Trainer(task, cfg, torch.device("cpu"), checkpoint_dir=tmp_path)
    resumed.load_state_dict(trainer.state_dict())
    assert (resumed.seconds, resumed.flops) == (trainer.seconds, trainer.flops)


def test_the_benchmark_measures_both_models_and_fits_slopes():
    from tools.bench_recurrence import measure, slope, summary

    rows = measure([8, 16], batch=2, repeats=1, width=16, device="cpu")
    assert [(r["model"], r["length"]) for r in rows] == [("Transformer", 8), ("RNNsearch", 8),
                                                         ("Transformer", 16), ("RNNsearch", 16)]
    assert all(r["train_step_ms"] > 0 and r["encode_ms"] > 0 for r in rows)
    line = [{"model": m, "length": n, "t": (2.0 if m == "RNNsearch" else 0.5) * n + 3} for m in ("RNNsearch", "x")
            for n in (8, 16, 32, 64, 128)]
    assert slope(line, "RNNsearch", "t") == pytest.approx(2.0)
    with pytest.raises(ValueError, match="two lengths"):
        slope(line, "RNNsearch", "t", span=(100, 200))
    assert set(summary(rows)) >= {"train_step_ms_slope_ratio", "encode_ms_slope_ratio"}
