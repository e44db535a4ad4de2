"""Masking rules of the personal-data columns."""

from __future__ import annotations

import pandas as pd

from analytics.access.privacy import mask_frame, mask_id_number, mask_name, mask_phone


def test_names():
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明日") == "欧**日"


def test_id_and_phone():
    assert mask_id_number("99012119800101123X") == "990121********123X"
    assert mask_phone("13812345678") == "138****5678"


def test_frame_masks_english_and_chinese_headers():
    frame = pd.DataFrame({"head_name": ["李四"], "户主证件号码": ["99012119800101123X"], "year": [2025]})
    masked = mask_frame(frame)
    assert masked.iloc[0].tolist() == ["李*", "990121********123X", 2025]
    assert frame.iloc[0, 0] == "李四"  # the input is not changed
