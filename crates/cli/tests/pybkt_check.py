"""Fits pyBKT on a training CSV and evaluates it on a test CSV, for the cross-check in
calibrate.rs (and the speed ratio in `make bench`). Prints JSON: the fit's seconds,
held-out AUC, and each skill's parameters.

    python pybkt_check.py TRAIN.csv TEST.csv FORGETS(0|1)
"""
import json
import sys
import time

import pandas as pd
from pyBKT.models import Model
import pyBKT.fit.E_step as e_step

if not e_step.__file__.endswith(".so"):
    sys.exit(f"pyBKT runs its slow pure-Python E-step ({e_step.__file__}); rebuild it from source")

train = pd.read_csv(sys.argv[1])
test = pd.read_csv(sys.argv[2])
forgets = sys.argv[3] == "1"
model = Model(seed=42, num_fits=5)
start = time.perf_counter()
model.fit(data=train, forgets=forgets)
seconds = time.perf_counter() - start
auc = model.evaluate(data=test, metric="auc")
params = {}
for skill, c in model.coef_.items():
    params[skill] = {
        "prior": float(c["prior"]),
        "learn": float(c["learns"][0]),
        "guess": float(c["guesses"][0]),
        "slip": float(c["slips"][0]),
        "forget": float(c["forgets"][0]),
    }
print(json.dumps({"seconds": seconds, "auc": float(auc), "params": params}))
