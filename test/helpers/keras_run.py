"""Keras 3 as the reference for the tests of Keras weights import and `--names keras`
(test/keras-names.test.ts, test/heavy/weights-import-keras.test.ts).

    python keras_run.py rebuild MODEL_JSON INPUT SHAPE OUTPUT
        Rebuild a model.json written by `incc compile --target tfjs --names keras` with Keras alone
        (keras.Model.from_config on its modelTopology's config), set every variable from the weight
        shards by its name (a variable's path is `<layer>/<weight>`, as the manifest names it), run the
        float32 NHWC batch in INPUT (raw little-endian, SHAPE like 2,32,32,3) and write the outputs one
        after the other to OUTPUT. Prints {"layers": [...], "weights": N, "outputs": [[shape]...]}.

    python keras_run.py reference DIR SEED
        keras.applications.InceptionV3(weights=None) with random weights and batch-norm statistics,
        saved as DIR/v3.keras, DIR/v3.weights.h5 and DIR/v3.h5 (the legacy weights-only layout of the
        keras.applications downloads: layer_names and weight_names attributes); its output on a fixed
        batch (DIR/input.f32, DIR/output.f32); and the mismatched sources: DIR/resnet50.weights.h5
        (ResNet50) and DIR/v3-changed.keras (one 1x7 convolution of mixed4 made 1x5). Prints what it made.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402


def rebuild(model_json, input_path, shape_text, output_path):
    with open(model_json) as f:
        model_file = json.load(f)
    model = keras.Model.from_config(model_file["modelTopology"]["config"])
    by_path = {v.path: v for v in model.weights}
    folder = os.path.dirname(model_json)
    assigned = set()
    for group in model_file["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"]))
            values = np.frombuffer(data, "<f4", count, offset).reshape(w["shape"])
            offset += 4 * count
            by_path[w["name"]].assign(values)
            assigned.add(w["name"])
    missing = sorted(set(by_path) - assigned)
    if missing:
        raise SystemExit(f"variables the weight shards do not set: {missing[:5]}")
    shape = [int(d) for d in shape_text.split(",")]
    x = np.fromfile(input_path, "<f4").reshape(shape)
    outputs = model(x, training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    with open(output_path, "wb") as f:
        for y in outputs:
            f.write(np.asarray(y, "<f4").tobytes())
    layers = [layer.name for layer in model.layers]
    print(json.dumps({"layers": layers, "weights": len(assigned), "outputs": [list(y.shape) for y in outputs]}))


def randomise(model, seed):
    """Random weights and batch-norm statistics of a sane scale: the moving statistics set to those of a
    calibration batch (momentum 0 for one training-mode call), then perturbed, so that every variable of
    every layer matters to the output and the activations stay near 1 over 94 layers; the classifier scaled
    to logits of standard deviation 2."""
    rng = np.random.default_rng(seed)
    batch_norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    momentum = {layer.name: layer.momentum for layer in batch_norms}
    for layer in batch_norms:
        layer.beta.assign(rng.uniform(-0.3, 0.3, layer.beta.shape).astype("float32"))
        layer.momentum = 0.0
    calibration = rng.uniform(-1, 1, (4, 299, 299, 3)).astype("float32")
    model(calibration, training=True)
    for layer in batch_norms:
        layer.momentum = momentum[layer.name]
        mean = layer.moving_mean.numpy()
        var = layer.moving_variance.numpy()
        layer.moving_mean.assign(mean + rng.uniform(-0.2, 0.2, mean.shape).astype("float32") * np.sqrt(var))
        layer.moving_variance.assign(var * rng.uniform(0.6, 1.5, var.shape).astype("float32"))
    # Logits of standard deviation 2 on the calibration batch: a softmax far from one-hot, so that the
    # comparison of probabilities sees every class.
    dense = model.layers[-1]
    features = keras.Model(model.input, dense.input)(calibration, training=False)
    dense.bias.assign(rng.uniform(-0.5, 0.5, dense.bias.shape).astype("float32"))
    logits = np.asarray(features) @ dense.kernel.numpy()
    dense.kernel.assign(dense.kernel.numpy() * (2.0 / logits.std()))


def save_legacy_weights(model, path):
    """The weights-only HDF5 layout of the keras.applications downloads (Keras's own writer of it)."""
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def reference(folder, seed):
    keras.utils.set_random_seed(seed)
    v3 = keras.applications.InceptionV3(weights=None)
    randomise(v3, seed)
    x = np.random.default_rng(seed + 1).uniform(-1, 1, (2, 299, 299, 3)).astype("float32")
    y = np.asarray(v3(x, training=False), "float32")
    x.astype("<f4").tofile(os.path.join(folder, "input.f32"))
    y.astype("<f4").tofile(os.path.join(folder, "output.f32"))
    v3.save(os.path.join(folder, "v3.keras"))
    v3.save_weights(os.path.join(folder, "v3.weights.h5"))
    save_legacy_weights(v3, os.path.join(folder, "v3.h5"))

    # A v3 with one layer changed: mixed4's first 1x7 convolution (same output shape) made 1x5.
    convs = [layer for layer in v3.layers if isinstance(layer, keras.layers.Conv2D)]
    changed_name = next(c.name for c in convs if tuple(c.kernel_size) == (1, 7))

    def change(layer):
        config = layer.get_config()
        if layer.name == changed_name:
            config["kernel_size"] = (1, 5)
        return layer.__class__.from_config(config)

    changed = keras.models.clone_model(v3, clone_function=change)
    changed.save(os.path.join(folder, "v3-changed.keras"))

    resnet = keras.applications.ResNet50(weights=None)
    resnet.save_weights(os.path.join(folder, "resnet50.weights.h5"))
    print(
        json.dumps(
            {
                "output": list(y.shape),
                "changed": changed_name,
                "convolutions": len(convs),
                "keras": keras.__version__,
            }
        )
    )


def main():
    command = sys.argv[1]
    if command == "rebuild":
        rebuild(*sys.argv[2:6])
    elif command == "reference":
        reference(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
