// MtgeoClient posts height maps to a running `mtgeo serve` with
// HttpClient and prints each verdict: the way a C#/.NET test station calls
// the analysis. One file, no packages beyond the framework:
//
//   mcs -r:System.Net.Http.dll MtgeoClient.cs && mono MtgeoClient.exe http://127.0.0.1:8765 auto a.x3p b.x3p
//
// Arguments: the service's URL, the spec (a built-in profile name, auto,
// or - for none), then the files. The token, if the service wants one, is
// read from the MTGEO_TOKEN environment variable. Prints one line per
// file: its name, PASS / FAIL / MARGINAL / ANALYSED / ERROR and the HTTP
// status. A real station would parse the JSON report with its own
// serializer (System.Text.Json, or classes generated from /openapi.json);
// this client only looks for the verdict so that it needs no library.
using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

public static class MtgeoClient
{
    public static int Main(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: MtgeoClient URL SPEC|- FILE...");
            return 2;
        }
        string url = args[0].TrimEnd('/');
        string spec = args[1];
        int status = 0;
        using (var client = new HttpClient())
        {
            client.Timeout = TimeSpan.FromMinutes(5);
            string token = Environment.GetEnvironmentVariable("MTGEO_TOKEN");
            if (!string.IsNullOrEmpty(token))
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            for (int i = 2; i < args.Length; i++)
            {
                string path = args[i];
                string query = "filename=" + Uri.EscapeDataString(Path.GetFileName(path));
                if (spec != "-")
                    query += "&spec=" + Uri.EscapeDataString(spec);
                var content = new ByteArrayContent(File.ReadAllBytes(path));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                HttpResponseMessage resp = client.PostAsync(url + "/v1/analyze?" + query, content).Result;
                string body = resp.Content.ReadAsStringAsync().Result;
                int code = (int)resp.StatusCode;
                if (code != 200)
                {
                    Match e = Regex.Match(body, "\"error\":\"((?:[^\"\\\\]|\\\\.)*)\"");
                    Console.WriteLine("{0}\tERROR\t{1}\t{2}", path, code, e.Success ? Regex.Unescape(e.Groups[1].Value) : body);
                    status = 2;
                    continue;
                }
                // The grade object is the report's last key; its own "pass"
                // is the first key after "profile".
                Match g = Regex.Match(body, "\"grade\":\\{\"profile\":\"[^\"]*\",\"pass\":(true|false),\"marginal\":(true|false)");
                string verdict = "ANALYSED";
                if (g.Success)
                {
                    if (g.Groups[1].Value == "true") verdict = "PASS";
                    else if (g.Groups[2].Value == "true") verdict = "MARGINAL";
                    else verdict = "FAIL";
                }
                if (verdict == "FAIL" || verdict == "MARGINAL") status = Math.Max(status, 1);
                Console.WriteLine("{0}\t{1}\t{2}", path, verdict, code);
            }
        }
        return status;
    }
}
