%% What ejabberd makes of each JID on stdin (one JSON string a line): its prepared parts as
%% a JSON array, or null when its jid module refuses it or its domain cannot be routed (the
%% idna library ejabberd's s2s uses). Run with Debian's erlang and ejabberd's libraries.
main(_) ->
    {ok, _} = application:ensure_all_started(xmpp),
    io:setopts(standard_io, [binary, {encoding, unicode}]),
    loop().

loop() ->
    case io:get_line(standard_io, "") of
        eof -> ok;
        Line -> io:put_chars(standard_io, [answer(string:trim(Line)), "\n"]), loop()
    end.

answer(Line) ->
    try
        {jid, _, _, _, Node, Host, Resource} = jid:decode(jiffy:decode(Line)),
        routable(Host),
        jiffy:encode([Node, Host, Resource])
    catch _:_ -> <<"null">>
    end.

routable(Host) ->
    case inet:parse_address(binary_to_list(Host)) of
        {ok, _} -> ok;
        _ when binary_part(Host, 0, 1) =:= <<"[">> -> ok;
        _ -> idna:utf8_to_ascii(Host)
    end.
