// Run the Lite workbook's main.py in Pyodide under Node.js, the way xlwings Lite calls it (issue 15
// item 8; ../shared/research/pyodide.md). Arguments: the pyodide package folder, a folder of wheels
// (exactly the workbook's requirements.txt resolved for Pyodide), a folder holding main.py and
// payload.json. Prints one JSON line with what happened.
const { loadPyodide } = require(process.argv[2] + "/pyodide.js");
const fs = require("fs");
const path = require("path");
(async () => {
  const [indexURL, wheels, work] = process.argv.slice(2);
  const py = await loadPyodide({ indexURL: indexURL + "/" });
  py.FS.mkdirTree("/tmp/wheels");
  for (const name of fs.readdirSync(wheels)) {
    py.FS.writeFile("/tmp/wheels/" + name, fs.readFileSync(path.join(wheels, name)));
  }
  py.FS.mkdirTree("/home/pyodide/app");
  for (const name of ["main.py", "payload.json"]) {
    py.FS.writeFile("/home/pyodide/app/" + name, fs.readFileSync(path.join(work, name)));
  }
  const out = await py.runPythonAsync(`
import glob, json, os, sys, sysconfig, time, zipfile
purelib = sysconfig.get_paths()["purelib"]
for wheel in sorted(glob.glob("/tmp/wheels/*.whl")):
    zipfile.ZipFile(wheel).extractall(purelib)
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
sys.path.insert(0, "/home/pyodide/app")
import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta, custom_scripts_call, custom_scripts_meta
start = time.perf_counter()
import main
result = {"python": sys.version.split()[0], "import_seconds": round(time.perf_counter() - start, 2)}
result["functions"] = sorted(f["name"] for f in custom_functions_meta(main)["functions"])
result["scripts"] = sorted(m["function_name"] for m in custom_scripts_meta(main))
payload = json.load(open("/home/pyodide/app/payload.json"))
result["logs"] = {}
labels = {"validate_register": "校验", "generate_vouchers": "生成单据", "build_refund_sheet": "退款表",
          "end_of_day": "日结"}
for script, label in labels.items():
    book = xw.Book(json=json.loads(json.dumps(payload)))
    await custom_scripts_call(main, script, typehint_to_value={xw.Book: book})
    logs = [a["values"][-1][2] for a in book.json()["actions"] if a["func"] == "setValues"
            and len(a["values"][-1]) == 3 and a["values"][-1][1] == label]  # the 操作记录 line
    result["logs"][script] = logs[-1] if logs else None
register = [row for row in payload["sheets"][0]["values"]][:3]
call = {"func_name": "AS_RECOMMEND", "args": [register], "version": xw.__version__, "client": "Office.js",
        "runtime": "1.4"}
result["AS_RECOMMEND"] = await custom_functions_call(call, main)
json.dumps(result, ensure_ascii=False, default=str)
`);
  console.log(out);
})().catch((e) => { console.error(String(e)); process.exit(1); });
