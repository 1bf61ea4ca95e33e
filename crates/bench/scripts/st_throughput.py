"""sentence-transformers on PyTorch (CPU, batch 32) embedding the same texts as Pathforge.

Usage: python st_throughput.py MODEL_DIR TEXTS.json  ->  prints texts/second.
Run by `make bench` from a throwaway virtualenv; never part of Pathforge itself.
"""
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
from sentence_transformers import SentenceTransformer  # noqa: E402

model_dir, texts_file = sys.argv[1], sys.argv[2]
texts = json.load(open(texts_file))
model = SentenceTransformer(model_dir, device="cpu")
model.encode(texts[:16], batch_size=32)  # warm-up
start = time.perf_counter()
vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
elapsed = time.perf_counter() - start
assert len(vectors) == len(texts)
print(f"{len(texts) / elapsed:.2f}")
