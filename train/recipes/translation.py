"""Transformer recipes (Vaswani et al. 2017, sec. 5): translation from scratch on Multi30k or Tatoeba."""
from __future__ import annotations

from train.recipes import Recipe, register
from train.translation_task import TranslationConfig, TranslationTask

# A few minutes on a 2-core CPU: a 2-layer d_model=128 model that already aligns words (BLEU ~10 on Multi30k).
# Both CPU presets train in fp32: at these widths bf16 autocast slowed this CPU (8,251 against 10,058 tokens/s).
LECTURE = {"amp": False, "n_layers": 2, "d_model": 128, "d_ff": 512, "n_heads": 4, "vocab_size": 4000, "steps": 600,
           "batch_size": 2000, "warmup_steps": 200, "lr": 0.5, "log_every": 10, "eval_every": 200,
           "eval_size": 200, "checkpoint_every": 200}
# A model for one CPU core: N=3, d_model=192, h=4, about 35 min (BLEU 28.8 on Multi30k test 2016 for en-de).
SMALL = {"amp": False, "n_layers": 3, "d_model": 192, "d_ff": 768, "n_heads": 4, "vocab_size": 6000, "steps": 1200,
         "batch_size": 2500, "warmup_steps": 400, "lr": 0.5, "log_every": 20, "eval_every": 400,
         "eval_size": 200, "checkpoint_every": 200}

register(Recipe(
    name="translate",
    summary="a Transformer (sec. 3) trained as in sec. 5 on Multi30k en-de or Tatoeba en-zh",
    config_cls=TranslationConfig,
    build_task=lambda cfg, device, ranks: TranslationTask(cfg, device, ranks),
    presets={"lecture": LECTURE, "small": SMALL},
))
