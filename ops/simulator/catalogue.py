"""The simulated manufacturer: product families, products, BOMs, components
with their failure model (Weibull hazard), symptoms, fault codes, causes,
sensor alarms, and the repair procedures with their success rates.

Everything the generator draws from is here, so a reader can see the hidden
model in one place; truth.json repeats the parts a test or evaluation needs.
"""

# Family -> products. share = fraction of all shipments.
PRODUCTS = [
    # model, name, family, category, share
    ("AC-200", "Split AC 2.0 kW 分体空调", "AC", "air conditioner", 0.28),
    ("AC-350", "Split AC 3.5 kW 分体空调", "AC", "air conditioner", 0.30),
    ("AC-500", "Split AC 5.0 kW 柜式空调", "AC", "air conditioner", 0.14),
    ("WM-80", "Front loader 8 kg 滚筒洗衣机", "WM", "washing machine", 0.17),
    ("WM-100", "Front loader 10 kg 滚筒洗衣机", "WM", "washing machine", 0.11),
]

# Warranty per family, in months from the installation (else the shipment):
# the ERP product master's warranty_months column.
WARRANTY_MONTHS = {"AC": 36, "WM": 24}

# Multi-level BOM: product -> assemblies -> components (part numbers).
ASSEMBLIES = {
    "ODU-200": ("Outdoor unit 2.0 kW 室外机", ["COMP-R32A", "CAP-35UF", "FAN-OD1"]),
    "ODU-500": ("Outdoor unit 5.0 kW 室外机", ["COMP-R32B", "CAP-45UF", "FAN-OD1"]),
    "IDU-AC": ("Indoor unit 室内机", ["PCB-AC1", "NTC-10K", "EVAP-AC", "PUMP-DR"]),
    "DRUM-WM": ("Drum assembly 滚筒组件", ["MOTOR-WM1", "BRG-6205"]),
}
BOM = {
    "AC-200": ["ODU-200", "IDU-AC"],
    "AC-350": ["ODU-200", "IDU-AC"],
    "AC-500": ["ODU-500", "IDU-AC"],
    "WM-80": ["DRUM-WM", "PUMP-WM1", "LOCK-WM1", "PCB-WM1", "VALVE-WM1"],
    "WM-100": ["DRUM-WM", "PUMP-WM1", "LOCK-WM1", "PCB-WM1", "VALVE-WM1"],
}


def _c(name, category, weibull, codes, zh, zht, en, causes, fixes, alarms=()):
    return {
        "name": name,
        "category": category,
        # Weibull time to failure in months of service: (shape k, scale lambda).
        "weibull": weibull,
        # Characteristic fault codes with the chance each shows on a case.
        "codes": codes,
        "zh": zh,
        "zht": zht,
        "en": en,
        # (cause id, Chinese label)
        "causes": causes,
        # (fix action, chance the technician picks it)
        "fixes": fixes,
        # Sensor alarms that may precede a failure: (code, measurement, unit value range)
        "alarms": list(alarms),
    }


COMPONENTS = {
    "COMP-R32A": _c(
        "Rotary compressor 转子压缩机", "compressor", (1.6, 420.0), [("E4", 0.75)],
        ["空调不制冷", "压缩机不启动", "外机嗡嗡响但不启动", "制冷效果差，外机不转"],
        ["空調不製冷", "壓縮機不啟動", "外機嗡嗡響"],
        ["not cooling", "compressor won't start", "outdoor unit humming, no cooling",
         "compressor tripping"],
        [("winding_short", "绕组短路"), ("locked_rotor", "卡缸"), ("valve_damage", "阀片损坏")],
        [("FX-COMP", 1.0)],
        [("COMP_OVERCURRENT", "current_a", (18.0, 26.0)),
         ("HIGH_DISCHARGE_TEMP", "discharge_c", (105.0, 125.0))]),
    "COMP-R32B": _c(
        "Rotary compressor 5 kW 转子压缩机", "compressor", (1.6, 380.0), [("E4", 0.75)],
        ["空调不制冷", "压缩机不启动", "柜机不制冷"],
        ["空調不製冷", "壓縮機不啟動"],
        ["not cooling", "compressor won't start", "no cold air"],
        [("winding_short", "绕组短路"), ("locked_rotor", "卡缸")],
        [("FX-COMP", 1.0)],
        [("COMP_OVERCURRENT", "current_a", (24.0, 34.0))]),
    "CAP-35UF": _c(
        "Run capacitor 35µF 运行电容", "electrical", (1.3, 520.0), [("E4", 0.3)],
        ["外机不启动", "压缩机启动困难", "不制冷"],
        ["外機不啟動", "不製冷"],
        ["outdoor unit won't start", "compressor hard start", "not cooling"],
        [("capacitance_loss", "容量衰减"), ("bulging", "电容鼓包")],
        [("FX-CAP", 1.0)]),
    "CAP-45UF": _c(
        "Run capacitor 45µF 运行电容", "electrical", (1.3, 520.0), [("E4", 0.3)],
        ["外机不启动", "不制冷"],
        ["外機不啟動"],
        ["outdoor unit won't start", "hard start"],
        [("capacitance_loss", "容量衰减")],
        [("FX-CAP", 1.0)]),
    "FAN-OD1": _c(
        "Outdoor fan motor 室外风机", "motor", (1.8, 360.0), [("E6", 0.7)],
        ["室外风机不转", "外机风扇不转", "外机异响"],
        ["室外風機不轉", "外機異響"],
        ["outdoor fan not spinning", "fan stall", "rattling noise from outdoor unit"],
        [("bearing_wear", "轴承磨损"), ("winding_open", "绕组断路")],
        [("FX-FAN", 1.0)],
        [("FAN_STALL", "fan_rpm", (0.0, 120.0))]),
    "PCB-AC1": _c(
        "Main control board 主控板", "electronics", (1.1, 480.0), [("E1", 0.5)],
        ["无法开机", "开机无反应", "遥控器没反应"],
        ["無法開機", "遙控器沒反應"],
        ["no power", "unit won't turn on", "remote not responding"],
        [("surge_damage", "雷击浪涌"), ("relay_stuck", "继电器粘连")],
        [("FX-PCB", 1.0)]),
    "NTC-10K": _c(
        "Coil temperature sensor 10k 温度传感器", "sensor", (1.2, 620.0), [("F2", 0.8)],
        ["温度显示不准", "制冷时好时坏", "显示故障代码"],
        ["溫度顯示不準", "製冷時好時壞"],
        ["temperature reading wrong", "cooling on and off", "sensor error"],
        [("sensor_open", "传感器开路"), ("drift", "阻值漂移")],
        [("FX-NTC", 1.0)],
        [("SENSOR_OPEN", "coil_c", (-40.0, -39.0))]),
    "EVAP-AC": _c(
        "Evaporator coil 蒸发器", "refrigerant circuit", (1.5, 400.0), [("P4", 0.4)],
        ["制冷效果差", "内机结霜", "漏氟", "制冷差，管子结冰"],
        ["製冷效果差", "內機結霜", "漏氟"],
        ["weak cooling", "frost on indoor coil", "refrigerant leak", "icing on pipes"],
        [("corrosion_leak", "腐蚀泄漏"), ("weld_crack", "焊点开裂")],
        # The planted bad fix: recharging without finding the leak rarely holds.
        [("FX-LEAK", 0.5), ("FX-REGAS", 0.5)],
        [("LOW_PRESSURE", "suction_bar", (1.0, 3.0))]),
    "PUMP-DR": _c(
        "Condensate drain pump 排水泵", "pump", (1.4, 700.0), [("E9", 0.5)],
        ["内机漏水", "滴水", "排水不畅"],
        ["內機漏水", "滴水"],
        ["water leak from indoor unit", "dripping", "drain blocked"],
        [("pump_failure", "水泵损坏"), ("clog", "堵塞")],
        [("FX-PUMP", 1.0)]),
    "MOTOR-WM1": _c(
        "Drum motor 滚筒电机", "motor", (1.7, 380.0), [("E3", 0.6)],
        ["滚筒不转", "洗衣机不转", "电机异响"],
        ["滾筒不轉", "電機異響"],
        ["drum not spinning", "motor noisy", "won't spin"],
        [("brush_wear", "碳刷磨损"), ("winding_open", "绕组断路")],
        [("FX-WMOT", 1.0)]),
    "BRG-6205": _c(
        "Drum bearing 6205 滚筒轴承", "bearing", (2.0, 300.0), [("E3", 0.1)],
        ["脱水时噪音大", "异响", "轰隆响"],
        ["脫水時噪音大", "異響"],
        ["grinding noise on spin", "loud rattling", "noisy"],
        [("bearing_wear", "轴承磨损")],
        [("FX-BRG", 1.0)]),
    "PUMP-WM1": _c(
        "Drain pump 排水泵", "pump", (1.3, 320.0), [("E21", 0.8)],
        ["不排水", "排水慢", "洗完桶里有水"],
        ["不排水", "排水慢"],
        ["not draining", "drain slow", "water left in drum"],
        [("clog", "异物堵塞"), ("pump_failure", "水泵损坏")],
        [("FX-WPUMP", 1.0)]),
    "LOCK-WM1": _c(
        "Door lock 门锁", "mechanical", (1.2, 560.0), [("U1", 0.7)],
        ["门锁不上", "无法启动，门锁灯闪"],
        ["門鎖不上"],
        ["door won't lock", "door lock error"],
        [("latch_broken", "锁扣断裂")],
        [("FX-LOCK", 1.0)]),
    "PCB-WM1": _c(
        "Control board 电脑板", "electronics", (1.1, 600.0), [("F9", 0.4)],
        ["无法开机", "程序乱跳"],
        ["無法開機"],
        ["no power", "dead unit", "program skipping"],
        [("surge_damage", "雷击浪涌")],
        [("FX-WPCB", 1.0)]),
    "VALVE-WM1": _c(
        "Water inlet valve 进水阀", "valve", (1.3, 500.0), [("E1", 0.6)],
        ["不进水", "进水慢"],
        ["不進水"],
        ["no water inlet", "fills slowly"],
        [("valve_stuck", "阀芯卡死")],
        [("FX-VALVE", 1.0)]),
}

# Repair procedures: title, steps, parts, expected labour (min), chance it holds.
FIXES = {
    "FX-COMP": ("Replace compressor 更换压缩机",
                "Recover refrigerant; replace compressor; vacuum; recharge R32; 回收冷媒，更换压缩机，抽真空，加注",
                ["COMP-R32A"], 240, 0.95),
    "FX-CAP": ("Replace run capacitor 更换电容", "Discharge; replace capacitor; test start current 放电后更换电容",
               ["CAP-35UF"], 30, 0.97),
    "FX-FAN": ("Replace outdoor fan motor 更换外风机", "Isolate power; replace fan motor; check blade 更换风机",
               ["FAN-OD1"], 90, 0.94),
    "FX-PCB": ("Replace main control board 更换主板", "Replace board; set DIP switches; test run 更换主控板",
               ["PCB-AC1"], 60, 0.93),
    "FX-NTC": ("Replace temperature sensor 更换温度传感器", "Replace coil sensor; verify 10k at 25C 更换传感器",
               ["NTC-10K"], 40, 0.97),
    "FX-LEAK": ("Find and braze leak, recharge 查漏补焊加氟",
                "Pressure test with nitrogen; braze leak; vacuum; recharge 氮气保压查漏，补焊，抽真空，加注",
                ["EVAP-AC"], 180, 0.92),
    "FX-REGAS": ("Recharge refrigerant 加氟", "Top up refrigerant to nameplate charge 补充冷媒",
                 [], 45, 0.35),
    "FX-PUMP": ("Replace drain pump 更换排水泵", "Replace pump; clean tray; test drain 更换排水泵，清洗接水盘",
                ["PUMP-DR"], 60, 0.95),
    "FX-WMOT": ("Replace drum motor 更换电机", "Remove back panel; replace motor; belt check 更换电机",
                ["MOTOR-WM1"], 120, 0.94),
    "FX-BRG": ("Replace drum bearing 更换轴承", "Strip drum; press new bearings and seal 更换轴承和油封",
               ["BRG-6205"], 180, 0.96),
    "FX-WPUMP": ("Clean or replace drain pump 清理/更换排水泵", "Clear filter; replace pump if seized 清理过滤器",
                 ["PUMP-WM1"], 45, 0.90),
    "FX-LOCK": ("Replace door lock 更换门锁", "Replace lock assembly; test interlock 更换门锁",
                ["LOCK-WM1"], 30, 0.97),
    "FX-WPCB": ("Replace control board 更换电脑板", "Replace board; run self test 更换电脑板",
                ["PCB-WM1"], 60, 0.92),
    "FX-VALVE": ("Replace inlet valve 更换进水阀", "Replace valve; check pressure 更换进水阀",
                 ["VALVE-WM1"], 40, 0.95),
}

# A fix's part follows the component it repairs on products with a variant.
FIX_PART_OVERRIDE = {("FX-COMP", "COMP-R32B"): "COMP-R32B", ("FX-CAP", "CAP-45UF"): "CAP-45UF"}

# Tickets that are not a failure (questions, installation, user error).
NO_FAULT_TEXT = {
    "zh": ["咨询定时功能怎么设置", "遥控器不会用", "询问保修期", "预约清洗", "安装位置咨询"],
    "zht": ["諮詢定時功能", "詢問保修期"],
    "en": ["how to set the timer", "warranty question", "asking about cleaning service"],
}

REGIONS = ["华东", "华南", "华北", "华中", "西南", "西北", "东北"]
CHANNELS = [("phone", 0.45), ("app", 0.2), ("wechat", 0.15), ("email", 0.1), ("web", 0.1)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"

# The planted defect: a bad supplier batch of compressors in AC-350 raises its
# failure rate from a given month of the simulated period.
DEFECT = {
    "product": "AC-350",
    "component": "COMP-R32A",
    "from_month": 26,  # months after the start of the period
    "extra_rate_per_unit_month": 0.005,
    "typical_code": "E4",
    "typical_symptom": "no_cooling",
}
BAD_FIX = "FX-REGAS"
