"""onnxruntime's own int8 quantization of a float model, compared with incc's (test/onnx-int8.test.ts).

Usage: python ort_quantize.py FLOAT.onnx CALIB.f32 BATCH ACTIVATIONS INCC_INT8.onnx

CALIB.f32 holds the calibration images (float32, little-endian, in the model's input layout, one after the
other); they are fed BATCH at a time. onnxruntime.quantization.quantize_static quantizes FLOAT.onnx with the
QDQ format, per-channel int8 weights, ACTIVATIONS (uint8 or int8) activations and MinMax calibration, leaving
out the nodes that compute a graph output (as incc does). Prints, as JSON, how its model and INCC_INT8.onnx
compare: the initializers both have and those that differ (name, dtype, shape or any value), the initializers
only one has, and whether the nodes are the same (type, name, inputs, outputs, axis), order aside.
"""

import json
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)


class Reader(CalibrationDataReader):
    def __init__(self, data, batch, input_name):
        self.items = [
            {input_name: data[i : i + batch]} for i in range(0, len(data), batch)
        ]
        self.next = 0

    def get_next(self):
        if self.next >= len(self.items):
            return None
        self.next += 1
        return self.items[self.next - 1]


def node_key(n):
    axis = [onnx.helper.get_attribute_value(a) for a in n.attribute if a.name == "axis"]
    return [n.op_type, n.name, list(n.input), list(n.output), axis]


def main():
    model_path, calib, batch, activations, incc_path = sys.argv[1:]
    model = onnx.load(model_path)
    graph_input = model.graph.input[0]
    dims = [d.dim_value for d in graph_input.type.tensor_type.shape.dim[1:]]
    data = np.fromfile(calib, dtype="<f4").reshape([-1, *dims])
    outputs = {o.name for o in model.graph.output}
    excluded = [n.name for n in model.graph.node if outputs & set(n.output)]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ort.onnx")
        quantize_static(
            model_path,
            out,
            Reader(data, int(batch), graph_input.name),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            weight_type=QuantType.QInt8,
            activation_type=QuantType.QUInt8
            if activations == "uint8"
            else QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
            nodes_to_exclude=excluded,
        )
        ours = onnx.load(out)
    theirs = onnx.load(incc_path)
    a = {t.name: numpy_helper.to_array(t) for t in ours.graph.initializer}
    b = {t.name: numpy_helper.to_array(t) for t in theirs.graph.initializer}
    common = sorted(set(a) & set(b))
    differ = [
        k
        for k in common
        if a[k].dtype != b[k].dtype
        or a[k].shape != b[k].shape
        or not np.array_equal(a[k], b[k])
    ]
    print(
        json.dumps(
            {
                "excluded": excluded,
                "common": len(common),
                "differ": differ,
                "only_onnxruntime": sorted(set(a) - set(b)),
                "only_incc": sorted(set(b) - set(a)),
                "nodes": len(ours.graph.node),
                "same_nodes": sorted(map(json.dumps, map(node_key, ours.graph.node)))
                == sorted(map(json.dumps, map(node_key, theirs.graph.node))),
                "weight_types": sorted(
                    {str(v.dtype) for k, v in a.items() if k.endswith("_quantized")}
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
