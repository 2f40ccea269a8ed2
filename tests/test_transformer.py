"""The Transformer of sec. 3, its data and its training (sec. 5): masks, decoding, tokenizers, BLEU, a copy task."""
from __future__ import annotations

import random

import pytest
import torch

from models.transformer import (
    Transformer,
    TransformerConfig,
    base,
    beam_search,
    big,
    greedy_decode,
    parameter_count,
    sinusoid_table,
)
from train.config import ConfigError
from train.text_data import BOS, EOS, PAD, ParallelCorpus, load_corpus, load_tokenizer, save_tokenizer, train_tokenizer
from train.trainer import Trainer
from train.translation_task import (
    TranslationConfig,
    TranslationTask,
    Translator,
    corpus_bleu,
    export_bundle,
    load_bundle,
    pad_batch,
    token_batches,
)


def tiny(**changes) -> Transformer:
    torch.manual_seed(0)
    cfg = TransformerConfig(**{"src_vocab": 30, "tgt_vocab": 30, "n_layers": 2, "d_model": 32, "d_ff": 64,
                               "n_heads": 4, "dropout": 0.0, **changes})
    return Transformer(cfg).eval()


def padded_batch():
    src = torch.tensor([[5, 6, 7, 8, EOS], [9, 10, EOS, PAD, PAD]])
    tgt = torch.tensor([[BOS, 11, 12, 13], [BOS, 14, PAD, PAD]])
    return src, tgt


@pytest.mark.parametrize("norm", ["post", "pre"])
def test_attention_rows_sum_to_one_and_masks_hold(norm):
    model = tiny(norm=norm)
    src, tgt = padded_batch()
    _, maps = model(src, tgt, need_weights=True)
    for m in maps.values():
        assert m.shape[:3] == (2, 2, 4)                                        # (B, N, H, ...)
        torch.testing.assert_close(m.sum(-1), torch.ones(m.shape[:-1]))
    # padding is never attended: the second sentence's last two source tokens get exactly zero weight
    assert maps["encoder"][1, ..., 3:].abs().max() == 0
    assert maps["cross"][1, ..., 3:].abs().max() == 0
    assert maps["decoder"][1, ..., 2:].abs().max() == 0
    # decoder self-attention is causal: nothing above the diagonal, and the diagonal is used
    upper = torch.triu(torch.ones(4, 4, dtype=torch.bool), 1)
    assert maps["decoder"][..., upper].abs().max() == 0
    assert maps["decoder"][0, ..., 1, 1].min() > 0


def test_fast_path_and_incremental_decoding_match_the_full_pass():
    model = tiny()
    src, tgt = padded_batch()
    logits, _ = model(src, tgt, need_weights=True)
    torch.testing.assert_close(model(src, tgt), logits, atol=1e-5, rtol=1e-4)   # SDPA path, no maps
    memory, src_mask, _ = model.encode(src[:1])
    cache = [{} for _ in model.decoder]
    steps = [model.decode(tgt[:1, i:i + 1], memory, src_mask, cache=cache, offset=i)[0] for i in range(4)]
    torch.testing.assert_close(torch.cat(steps, 1), logits[:1], atol=1e-5, rtol=1e-4)


def test_the_future_does_not_change_the_past():
    model = tiny()
    src, tgt = padded_batch()
    changed = tgt.clone()
    changed[0, 3] = 20
    torch.testing.assert_close(model(src, tgt)[0, :3], model(src, changed)[0, :3])
    assert not torch.allclose(model(src, tgt)[0, 3], model(src, changed)[0, 3])


def sequence_log_prob(model: Transformer, src: torch.Tensor, outs: list[list[int]], finished: bool = True):
    """log P(out [+ </s>] | src) of each output, by one teacher-forced pass (padding after a row changes nothing
    before it: the decoder is causal)."""
    targets = [[*out, EOS] if finished else list(out) for out in outs]
    tgt = pad_batch([[BOS, *t] for t in targets])
    logp = model(src.expand(len(targets), -1), tgt)[:, :-1].log_softmax(-1)
    return [logp[i, torch.arange(len(t)), t].sum().item() for i, t in enumerate(targets)]


def random_models(n: int, **changes):
    for seed in range(n):  # several random models: the decoded lengths differ
        torch.manual_seed(seed)
        yield Transformer(tiny(**changes).cfg).eval()


def test_beam_of_one_is_greedy_or_better():
    """Beam 1 without length penalty keeps greedy's path; it returns greedy's output unless an earlier </s> ended a
    more probable hypothesis."""
    src = torch.tensor([[5, 6, 7, 8, EOS]])
    same = 0
    for model in random_models(6):
        greedy, beam = greedy_decode(model, src, BOS, EOS, 12)[0], beam_search(model, src, BOS, EOS, 12, 1, 0.0)[0]
        same += greedy == beam
        beam_lp, greedy_lp = sequence_log_prob(model, src, [beam, greedy])
        assert beam_lp >= greedy_lp - 1e-5
    assert same >= 3


def test_beam_search_with_a_wide_beam_finds_the_best_scoring_translation():
    """A beam wider than all hypotheses is exhaustive search: the stop rule (no live hypothesis can beat the best
    finished one) must never stop before the best-scoring output under sec. 6.1's length penalty is found."""
    import itertools

    from models.transformer import length_penalty

    src, max_len, alpha = torch.tensor([[5, 6, EOS]]), 3, 0.6
    for model in random_models(3, src_vocab=7, tgt_vocab=7):
        tokens = [t for t in range(7) if t != EOS]
        ended = [list(y) for n in range(max_len) for y in itertools.product(tokens, repeat=n)]
        open_ = [list(y) for y in itertools.product(tokens, repeat=max_len)]
        finished = [(lp / length_penalty(len(y) + 1, alpha), y) for lp, y in zip(sequence_log_prob(model, src, ended),
                                                                                 ended)]
        live = [(lp / length_penalty(max_len, alpha), y) for lp, y in zip(sequence_log_prob(model, src, open_, False),
                                                                          open_)]
        best = max(finished + live)[1]
        assert beam_search(model, src, BOS, EOS, max_len, beam=len(live), alpha=alpha)[0] == best


def test_batched_decoding_matches_one_sentence_at_a_time():
    src = torch.tensor([[5, 6, 7, 8, EOS], [9, 10, EOS, PAD, PAD], [11, EOS, PAD, PAD, PAD]])
    for model in random_models(2):
        for decode, options in ((greedy_decode, {}), (beam_search, {"beam": 4})):
            alone = [decode(model, src[i:i + 1, : int((src[i] != PAD).sum())], BOS, EOS, 12, **options)[0]
                     for i in range(3)]
            assert decode(model, src, BOS, EOS, 12, **options) == alone


def test_head_gates_switch_heads_off():
    model = tiny()
    src, tgt = padded_batch()
    ones = {k: torch.ones(2, 4) for k in ("encoder", "decoder", "cross")}
    torch.testing.assert_close(model(src, tgt, ones), model(src, tgt))
    off = {"cross": torch.zeros(2, 4)}
    other_src = torch.tensor([[20, 21, 22, 23, EOS], [24, 25, EOS, PAD, PAD]])
    # every cross-attention head off: the decoder can no longer see the source at all
    torch.testing.assert_close(model(src, tgt, off), model(other_src, tgt, off))


def test_parameter_counts_match_table_3():
    with torch.device("meta"):
        n_base = parameter_count(Transformer(base()))
        n_big = parameter_count(Transformer(big()))
    assert 60e6 < n_base < 66e6   # Table 3: 65M
    assert 205e6 < n_big < 215e6  # Table 3: 213M


def test_positional_encoding_is_the_sinusoid_of_sec_3_5():
    table = sinusoid_table(50, 16)
    assert torch.allclose(table[:, 0], torch.sin(torch.arange(50.0)))
    assert torch.allclose(table[:, 1], torch.cos(torch.arange(50.0)))
    assert torch.allclose(table[7, 14], torch.sin(torch.tensor(7 / 10000 ** (14 / 16))))


def test_config_errors_say_what_to_do():
    with pytest.raises(ValueError, match="divisible"):
        TransformerConfig(d_model=30, n_heads=4)
    with pytest.raises(ValueError, match="shared vocabulary"):
        TransformerConfig(src_vocab=10, tgt_vocab=20)
    with pytest.raises(ConfigError, match="corpus"):
        TranslationConfig(corpus="wmt")


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    """A shared English-German-Chinese BPE vocabulary, saved and loaded back."""
    pairs = load_corpus("tatoeba-en-zh").splits["train"][:3000] + \
        load_corpus("multi30k-en-de", offline=True).splits["val"]
    tok = train_tokenizer([s for pair in pairs for s in pair], 2000)
    return load_tokenizer(save_tokenizer(tok, tmp_path_factory.mktemp("tok") / "tok.json"))


@pytest.mark.parametrize("sentence", ["Two young, White males are outside near many bushes.",
                                      "Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche.",
                                      "我们明天去北京，好吗？", "Tom说：“I don't know.”"])
def test_tokenizer_round_trip(sentence, tokenizer):
    ids = tokenizer.encode(sentence).ids
    assert tokenizer.decode(ids) == sentence
    assert tokenizer.token_to_id("<unk>") not in ids
    pieces = tokenizer.encode("我们明天去北京").tokens
    assert all(len(p.lstrip("▁")) <= 1 for p in pieces)   # Chinese: one character per token, never merged


def test_sacrebleu_on_known_pairs():
    # all n-gram precisions 1, brevity penalty exp(1 - 7/6): BLEU = 84.65
    bleu = corpus_bleu(["the cat sat on the mat"], ["the cat sat on the mat today"], "en")
    assert bleu == pytest.approx(84.65, abs=0.01)
    assert corpus_bleu(["我爱北京天安门"], ["我爱北京天安门"], "zh") == pytest.approx(100)
    # without the zh tokenizer a Chinese sentence is one "word": a one-character error would score 0
    assert corpus_bleu(["我爱北京天安门。"], ["我爱北京天安门！"], "zh") > 50
    assert corpus_bleu(["我爱北京天安门。"], ["我爱北京天安门！"], "de") == 0


def test_token_batches_respect_the_token_budget():
    rng = random.Random(0)
    lengths = [(rng.randint(1, 30), rng.randint(1, 30)) for _ in range(500)]
    batches = token_batches(lengths, 120)
    assert sorted(i for b in batches for i in b) == list(range(500))
    for b in batches:
        assert len(b) * max(max(lengths[i]) for i in b) <= 120


def copy_corpus(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    words = "red green blue black white pink gray gold".split()
    out = []
    for _ in range(n):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(3, 6)))
        out.append((sentence, sentence))
    return out


def test_a_tiny_transformer_learns_to_copy(tmp_path):
    """Real training (sec. 5 recipe: Adam 0.9/0.98/1e-9, eq. 3 warmup, label smoothing) through the Trainer."""
    torch.manual_seed(0)
    corpus = ParallelCorpus("copy", "en", "en", {"train": copy_corpus(2000, 0), "val": copy_corpus(50, 1),
                                                 "test": copy_corpus(50, 2)}, "generated")
    cfg = TranslationConfig(n_layers=1, d_model=64, d_ff=128, n_heads=4, dropout=0.0, vocab_size=100, steps=400,
                            batch_size=400, warmup_steps=50, lr=0.5, log_every=50, eval_every=400,
                            checkpoint_every=400, eval_size=50, max_sentence_tokens=20)
    task = TranslationTask(cfg, torch.device("cpu"), corpus=corpus)
    trainer = Trainer(task, cfg, torch.device("cpu"), checkpoint_dir=tmp_path / "ckpt", d_model=task.d_model)
    assert trainer.fit() == "done"
    result = task.evaluate(task.model)
    assert result["bleu"] > 90, result
    translator = Translator(task.model, task.tokenizer, {"corpus": "copy", "tgt_lang": "en"})
    assert translator.translate("blue gold red pink", beam=4).text == "blue gold red pink"
    # export as fp16 and load back: the same translation
    loaded = load_bundle(export_bundle(translator, tmp_path / "bundle", steps=250))
    assert loaded.translate("gray white black").text == translator.translate("gray white black").text
    task.save_files(tmp_path / "run")
    assert (tmp_path / "run" / "tokenizer.json").exists()


def test_a_run_goes_on_from_an_exported_model(tmp_path):
    """init_from: the run starts from a bundle's weights and vocabulary, at its step, eq. 3 going on from there;
    a bundle of another shape, or no bundle, is a clear error."""
    from train.schedules import inverse_sqrt
    from train.text_data import corpus_tokenizer

    corpus = ParallelCorpus("copy", "en", "en", {"train": copy_corpus(300, 0), "val": copy_corpus(10, 1),
                                                 "test": copy_corpus(10, 2)}, "generated")
    shape = {"n_layers": 1, "d_model": 32, "d_ff": 64, "n_heads": 4, "vocab_size": 100}
    cfg = TranslationConfig(**shape, dropout=0.0, batch_size=200, warmup_steps=50, max_sentence_tokens=20)
    torch.manual_seed(1)
    tok = corpus_tokenizer(corpus, 100)
    trained = Transformer(cfg.model_config(tok.get_vocab_size()))
    bundle = export_bundle(Translator(trained, tok, {"tgt_lang": "en"}), tmp_path / "bundle", steps=300)

    cont = TranslationConfig(**shape, dropout=0.1, batch_size=200, warmup_steps=50, max_sentence_tokens=20,
                             steps=310, log_every=5, eval_every=10, checkpoint_every=5, init_from=str(bundle))
    task = TranslationTask(cont, torch.device("cpu"), corpus=corpus)
    assert task.start_step == 300 and task.tokenizer.to_str() == tok.to_str()
    for name, weight in task.model.state_dict().items():   # the bundle's fp16 weights, the run's own dropout
        torch.testing.assert_close(weight, trained.state_dict()[name].half().float())
    assert task.model.cfg.dropout == 0.1
    trainer = Trainer(task, cont, torch.device("cpu"), checkpoint_dir=tmp_path / "ckpt", d_model=task.d_model,
                      start_step=task.start_step)
    assert trainer.step == 300
    assert trainer.scheduler.get_last_lr()[0] == pytest.approx(inverse_sqrt(50, 32)(300))  # step 301's lr
    assert trainer.fit(deadline=0.0) == "paused" and trainer.step == 305  # paused at the first log step
    state = trainer.state_dict()
    resumed = Trainer(task, cont, torch.device("cpu"), checkpoint_dir=tmp_path / "ckpt2", d_model=task.d_model)
    assert resumed.fit(state) == "done" and resumed.step == 310   # a resumed run keeps the offset it began with
    assert resumed.scheduler.get_last_lr()[0] == pytest.approx(inverse_sqrt(50, 32)(310))

    with pytest.raises(ConfigError, match="d_model 32 \\(this run: 64\\)"):
        TranslationTask(TranslationConfig(**{**shape, "d_model": 64}, init_from=str(bundle), batch_size=200,
                                          max_sentence_tokens=20), torch.device("cpu"), corpus=corpus)
    with pytest.raises(ConfigError, match="not an exported model folder"):
        TranslationTask(TranslationConfig(**shape, init_from=str(tmp_path / "none"), batch_size=200,
                                          max_sentence_tokens=20), torch.device("cpu"), corpus=corpus)


def test_the_translation_job_goes_on_from_a_bundle_and_records_what_it_trained(tmp_path, tokenizer):
    """train.translation_job with --init-from on the bundled Multi30k: a run from step 300 to 304, its last two
    checkpoints averaged, exported with the steps it trained and a card that says where it started."""
    import json

    from train.translation_job import main

    torch.manual_seed(0)
    cfg = TranslationConfig(n_layers=1, d_model=32, d_ff=64, n_heads=4, dropout=0.0)
    start = Transformer(cfg.model_config(tokenizer.get_vocab_size()))
    bundle = export_bundle(Translator(start, tokenizer, {"tgt_lang": "de"}), tmp_path / "start", steps=300)
    main(["small", "--offline", "--init-from", str(bundle), "--n-layers", "1", "--d-model", "32", "--d-ff", "64",
          "--n-heads", "4", "--dropout", "0.0", "--batch-size", "500", "--steps", "304", "--minutes", "10",
          "--log-every", "2", "--checkpoint-every", "2", "--eval-size", "3", "--average", "2", "--beam", "1",
          "--alphas", "0.6", "1.0", "--test-size", "3", "--out", str(tmp_path / "out"), "--home", str(tmp_path / "home")])
    info = json.loads((tmp_path / "out" / "small" / "config.json").read_text())
    assert (info["steps"], info["train"]["steps"], info["averaged_steps"]) == (304, 304, [302, 304])
    assert info["train"]["init_from"] == str(bundle) and {"test_bleu", "test_bleu_greedy"} <= info.keys()
    assert info["beam_alpha"] == 0.6 and info["beam_alpha_val_bleu"].keys() == {"0.6", "1.0"}  # tied: the first
    assert f"going on from the weights of `{bundle}`" in (tmp_path / "out" / "small" / "README.md").read_text()
    first = (tmp_path / "out" / "small" / "metrics.csv").read_text().splitlines()[1]
    assert int(first.split(",")[0]) == 302   # the run's own log begins after the bundle's step


def test_checkpoint_averaging_keeps_the_newest_and_averages_them(tmp_path):
    """Sec. 6.1 averages the last 5 checkpoints: the averager keeps the newest n and takes their mean."""
    from train.checkpoint import save_checkpoint
    from train.translation_job import CheckpointAverager

    averager = CheckpointAverager(2)
    for step, value in ((1, 0.0), (2, 1.0), (3, 3.0)):
        state = {"w": torch.full((2, 2), value), "n": torch.tensor(step)}
        averager.on_checkpoint(step, save_checkpoint(tmp_path, step, {"model": state, "step": step}))
    averager.on_checkpoint(3, tmp_path / "step-000000003.pt")  # a second event for the same step counts once
    assert averager.steps() == [2, 3]
    mean = averager.average()
    torch.testing.assert_close(mean["w"], torch.full((2, 2), 2.0))
    assert mean["n"].item() == 3


def test_the_length_penalty_is_chosen_on_validation_and_the_bundle_decodes_with_it(tmp_path):
    """Sec. 6.1 chose alpha on the development set: tune_alpha scores each alpha on validation pairs, a larger
    alpha gives longer output, the best one is recorded in the bundle, and the loaded translator decodes with it."""
    import json
    import shutil

    from train.bleu import record, score, test_pairs, tune_alpha
    from train.text_data import ROOT

    shipped = ROOT / "assets" / "models" / "transformer-en-de"
    if not (shipped / "model.safetensors").exists():
        pytest.skip("the bundled En-De model is not in this checkout")
    bundle = shutil.copytree(shipped, tmp_path / "en-de")
    translator = load_bundle(bundle)
    found = tune_alpha(translator, test_pairs("multi30k-en-de", "val")[:40], [1.0, 3.0], beam=4)
    assert found[3.0].ratio > found[1.0].ratio > 0.8     # the penalty rewards length ...
    assert found[1.0].bleu > found[3.0].bleu and translator.alpha == 1.0   # ... too much at 3.0
    tested = score(translator, test_pairs("multi30k-en-de", "2016")[:20], 4, "2016")
    record(bundle, translator, [tested], beam=4)
    info = json.loads((bundle / "config.json").read_text())
    assert info["beam_alpha"] == 1.0 and info["beam_alpha_val_bleu"] == {"1.0": round(found[1.0].bleu, 2),
                                                                         "3.0": round(found[3.0].bleu, 2)}
    assert info["scores"] == {"test_2016": tested.summary()} and "length penalty 1.0" in info["test_bleu_note"]
    reloaded = load_bundle(bundle)
    assert reloaded.alpha == 1.0 and score(reloaded, test_pairs("multi30k-en-de", "2016")[:20], 4).bleu == tested.bleu
