-- GET /i with one page view, as @snowplow/browser-tracker 4.10 sends it (830-byte query string
-- with a base64 web_page context), from a browser carrying the collector's sp cookie.
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")

wrk.method = "GET"
wrk.path = "/i?stm=1767225600123&e=pv&url=https%3A%2F%2Fshop.example%2Fproducts%2Fgarden%2Frake-2000%3Futm_source%3Dnewsletter%26utm_medium%3Demail&page=Rake+2000+%E2%80%93+Garden+tools+%E2%80%93+Shop+Example&refr=https%3A%2F%2Fwww.search.example%2Fsearch%3Fq%3Dgarden%2Brake&eid=9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f&tv=js-4.10.1&tna=sp&aid=shop-example&p=web&cookie=1&cs=UTF-8&lang=en-US&res=1920x1080&cd=24&tz=Europe%2FBerlin&dtm=1767225600120&vp=1280x720&ds=1280x3400&vid=3&sid=2b4c6d8e-0a1c-4e3f-8a5b-7c9d1e3f5a7b&duid=7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d&cx=eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy9jb250ZXh0cy9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6W3sic2NoZW1hIjoiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvd2ViX3BhZ2UvanNvbnNjaGVtYS8xLTAtMCIsImRhdGEiOnsiaWQiOiI1ZTBiMWYyYS04YzNkLTRlNmYtOWE3Yi0wYzFkMmUzZjRhNWIifX1dfQ"
common.headers({})
init = common.init
