"""Recycling (再生资源回收, 6.4 c): categories and the credits (积分) a drop-off earns.
Pure: credits are whole numbers, rounded down, per category rate per kilogram."""

from __future__ import annotations

# category -> (zh-CN, en, credits per kilogram)
CATEGORIES: dict[str, tuple[str, str, int]] = {
    "paper": ("废纸", "Paper", 10),
    "plastic": ("塑料", "Plastic", 15),
    "metal": ("金属", "Metal", 20),
    "glass": ("玻璃", "Glass", 5),
    "textile": ("旧衣物", "Textiles", 8),
    "electronics": ("电子废弃物", "Electronics", 30),
}


def credits_for(category: str, weight_g: int) -> int:
    """Credits for ``weight_g`` grams of ``category`` (10 per kg of paper: 2.5 kg -> 25)."""
    return weight_g * CATEGORIES[category][2] // 1000


def weight_text(weight_g: int) -> tuple[str, str]:
    kg = f"{weight_g / 1000:.2f}".rstrip("0").rstrip(".")
    return f"{kg} 千克", f"{kg} kg"
