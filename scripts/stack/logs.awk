# Turns `tail -F` output of the instances' log files into JSON lines only (`make logs`):
#   - tail's "==> <dir>/<instance>.log <==" headers are dropped, and the instance they name is
#     added to each line as "instance" (pino's "service" cannot tell two gateways apart);
#   - a line that is not a JSON object (a crash trace, a Node.js warning, "failed to start: ...")
#     becomes {"level":"warn","instance":...,"raw":true,"msg":"<the line>"}, so nothing is lost and
#     `jq`, pino-pretty or a log shipper can read every line.
# fflush after each line: this runs behind `tail -F` and must not hold lines back.
/^==> .* <==$/ {
  file = substr($0, 5, length($0) - 8)
  n = split(file, parts, "/")
  instance = parts[n]
  sub(/\.log$/, "", instance)
  next
}
/^$/ { next }
/^\{".*\}[[:space:]]*$/ {
  if (instance != "") print "{\"instance\":\"" instance "\"," substr($0, 2)
  else print
  fflush()
  next
}
{
  printf "{\"level\":\"warn\",\"instance\":\"%s\",\"raw\":true,\"msg\":\"%s\"}\n", instance, json_escape($0)
  fflush()
}

# Character by character: gsub's handling of backslashes in replacements differs between awks.
function json_escape(text, out, i, c) {
  out = ""
  for (i = 1; i <= length(text); i++) {
    c = substr(text, i, 1)
    if (c == "\\") out = out "\\\\"
    else if (c == "\"") out = out "\\\""
    else if (c == "\t") out = out "\\t"
    else if (c >= " ") out = out c
  }
  return out
}
