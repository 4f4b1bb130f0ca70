-- Headers a browser on a shop page sends to a collector on its own domain (bench/collector.ts).
-- Loaded by pixel.lua and tp2.lua; `wrk ... -- xff` adds X-Forwarded-For, as a load balancer does.
local common = {}

function common.headers(extra)
  wrk.headers["Host"] = "collector.shop.example"
  wrk.headers["User-Agent"] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
  wrk.headers["Accept"] = "*/*"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9,de;q=0.8"
  wrk.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
  wrk.headers["Origin"] = "https://shop.example"
  wrk.headers["Referer"] = "https://shop.example/"
  wrk.headers["Cookie"] =
    "_sp_id.1fff=7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d.1767225000.3.1767225600.1767221000.2b4c6d8e-0a1c-4e3f-8a5b-7c9d1e3f5a7b; sp=0d3b1c2a-4e5f-4a6b-8c7d-9e0f1a2b3c4d; _ga=GA1.2.1234567890.1767225000"
  wrk.headers["Sec-Fetch-Site"] = "same-site"
  wrk.headers["Sec-Fetch-Mode"] = "cors"
  wrk.headers["Sec-Fetch-Dest"] = "empty"
  for name, value in pairs(extra) do wrk.headers[name] = value end
end

-- wrk calls init(args) before it formats the request, so headers set here are sent.
function common.init(args)
  if args[1] == "xff" then
    wrk.headers["X-Forwarded-For"] = "203.0.113.9, 10.0.1.17"
  end
end

return common
