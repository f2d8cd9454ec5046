#!/usr/bin/python3
"""gensim side of `deno task bench` (run with /usr/bin/python3: the Debian python with gensim).

    gensim_run.py train --corpus F --vec OUT.vec --model skipgram|cbow --dim 100 --window 5 \
        --negative 5 --min-count 5 --sample 1e-3 --epochs 5 --lr 0.025 --min-lr 0.0001 \
        --workers 1 --seed 1
        Trains Word2Vec in corpus_file mode (gensim's fastest path, no LineSentence iterator),
        saves the input vectors as word2vec text (frequency order) and prints one JSON line.
        "seconds" is the wall time of Word2Vec(...), build_vocab and train (what
        Word2Vec(corpus_file=...) does): vocabulary scan + training; it excludes the interpreter
        start-up, the imports and the saving. "trainSeconds" is the train() call alone.
        "cpuSeconds" is the CPU time of all three (all threads).

    gensim_run.py check --vec F.vec --questions Q --wordsim W
        gensim's own evaluate_word_analogies (restrict_vocab=30000, case-insensitive, 3CosAdd)
        and evaluate_word_pairs on a saved .vec: a cross-check of negsamp's evaluator.

The bench unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for this process (forcing a core
type slows numpy/scipy BLAS down here); "blas" in the output names the core OpenBLAS chose.
"""
import argparse
import ctypes
import json
import logging
import os
import sys
import time


def blas_info():
    """The OpenBLAS core scipy's BLAS (which gensim's Cython loops call) runs, if easy to get."""
    try:
        import scipy.linalg.blas  # noqa: F401  (loads the BLAS library)

        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
        for path in sorted(paths):
            if not path.endswith((".so", ".so.0", ".so.3")) and ".so." not in path:
                continue
            try:
                lib = ctypes.CDLL(path)
                corename = lib.openblas_get_corename
                corename.restype = ctypes.c_char_p
                return {"library": path, "core": corename().decode()}
            except (OSError, AttributeError):
                continue
        return {"library": None, "core": "unknown (no OpenBLAS loaded)"}
    except Exception as e:  # noqa: BLE001 - informational only
        return {"library": None, "core": f"unknown ({e})"}


def cmd_train(a):
    import gensim
    from gensim.models import Word2Vec
    from gensim.models.word2vec import FAST_VERSION

    if FAST_VERSION < 0:
        sys.exit("gensim has no compiled (Cython) training routines: timing would be meaningless")
    logging.disable(logging.CRITICAL)
    sg = 1 if a.model == "skipgram" else 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    # What Word2Vec(corpus_file=...) does, in its two steps, so that the training
    # alone can be timed too.
    model = Word2Vec(
        sg=sg,
        vector_size=a.dim,
        window=a.window,
        negative=a.negative,
        hs=0,
        min_count=a.min_count,
        sample=a.sample,
        epochs=a.epochs,
        alpha=a.lr,
        min_alpha=a.min_lr,
        workers=a.workers,
        seed=a.seed,
    )
    model.build_vocab(corpus_file=a.corpus)
    train_start = time.perf_counter()
    model.train(
        corpus_file=a.corpus,
        total_examples=model.corpus_count,
        total_words=model.corpus_total_words,
        epochs=model.epochs,
        start_alpha=model.alpha,
        end_alpha=model.min_alpha,
    )
    end = time.perf_counter()
    seconds = end - start
    train_seconds = end - train_start
    cpu_seconds = time.process_time() - cpu_start
    model.wv.save_word2vec_format(a.vec, binary=False)
    print(
        json.dumps(
            {
                "tool": "gensim",
                "gensimVersion": gensim.__version__,
                "mode": "corpus_file",
                "fastVersion": FAST_VERSION,
                "seconds": seconds,
                "trainSeconds": train_seconds,
                "cpuSeconds": cpu_seconds,
                "vocabSize": len(model.wv),
                "corpusWords": model.corpus_total_words,
                "blas": blas_info(),
                "openblasEnv": {
                    k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                },
            }
        )
    )


def cmd_check(a):
    from gensim.models import KeyedVectors

    logging.disable(logging.CRITICAL)
    kv = KeyedVectors.load_word2vec_format(a.vec, binary=False)
    score, sections = kv.evaluate_word_analogies(
        a.questions, restrict_vocab=30000, case_insensitive=True
    )
    total = next((s for s in sections if s["section"] == "Total accuracy"), None)
    pearson, spearman, oov = kv.evaluate_word_pairs(
        a.wordsim, delimiter="\t", restrict_vocab=len(kv), case_insensitive=True
    )
    print(
        json.dumps(
            {
                "analogy": {
                    "accuracy": score,
                    "correct": len(total["correct"]) if total else None,
                    "total": len(total["correct"]) + len(total["incorrect"]) if total else None,
                },
                "wordsim": {"spearman": float(spearman[0]), "oovRatio": oov / 100.0},
            }
        )
    )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--corpus", required=True)
    t.add_argument("--vec", required=True)
    t.add_argument("--model", choices=["skipgram", "cbow"], required=True)
    t.add_argument("--dim", type=int, default=100)
    t.add_argument("--window", type=int, default=5)
    t.add_argument("--negative", type=int, default=5)
    t.add_argument("--min-count", type=int, default=5)
    t.add_argument("--sample", type=float, default=1e-3)
    t.add_argument("--epochs", type=int, default=5)
    t.add_argument("--lr", type=float, required=True)
    t.add_argument("--min-lr", type=float, default=0.0001)
    t.add_argument("--workers", type=int, default=1)
    t.add_argument("--seed", type=int, default=1)
    c = sub.add_parser("check")
    c.add_argument("--vec", required=True)
    c.add_argument("--questions", required=True)
    c.add_argument("--wordsim", required=True)
    a = p.parse_args()
    if a.command == "train":
        cmd_train(a)
    else:
        cmd_check(a)


if __name__ == "__main__":
    main()
